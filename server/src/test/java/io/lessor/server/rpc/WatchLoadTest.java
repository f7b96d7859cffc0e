package io.lessor.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.lessor.api.Event;
import io.lessor.api.KVGrpc;
import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.LeaseGrpc;
import io.lessor.api.LeaseRevokeRequest;
import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import io.lessor.api.WatchResponse;
import io.lessor.context.LeakCheck;
import io.lessor.server.LessorServer;
import io.lessor.server.ServerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Watch under fan-out, a stalled reader and reconnects; timings go to the log, assertions check content. */
@ExtendWith(LeakCheck.class)
class WatchLoadTest {

    private static final Logger LOG = LoggerFactory.getLogger(WatchLoadTest.class);

    @TempDir
    Path dataDir;

    private LessorServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        server = LessorServer.start(ServerConfig.defaults(dataDir).withListenAddress(new InetSocketAddress("127.0.0.1", 0)));
        InetSocketAddress bound = server.listenAddresses().get(0);
        channel = NettyChannelBuilder.forAddress(bound.getHostString(), bound.getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    void leaseExpiryReachesHundredWatchersInOneResponse() throws Exception {
        long leaseId = LeaseGrpc.newBlockingStub(channel).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(2).build()).getID();
        long grantedNanos = System.nanoTime();
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
        for (String key : List.of("lease/c", "lease/a", "lease/b")) {
            kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8("v-" + key))
                    .setLease(leaseId).build());
        }
        List<WatchCall> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            WatchCall call = WatchCall.open(channel);
            call.createAndAwait(WatchCall.prefix("lease/").setPrevKv(true));
            call.receivedNanos.clear();
            calls.add(call);
        }

        List<WatchResponse> responses = new ArrayList<>();
        List<Long> receivedNanos = new ArrayList<>();
        for (WatchCall call : calls) {
            WatchResponse response = call.responses.poll(10, TimeUnit.SECONDS);
            assertThat(response).as("the delete events within 10 s").isNotNull();
            responses.add(response);
            receivedNanos.add(call.receivedNanos.poll());
        }

        long revision = responses.get(0).getHeader().getRevision();
        for (WatchResponse response : responses) {
            assertThat(response.getEventsList()).hasSize(3);
            assertThat(response.getEventsList()).extracting(Event::getType).containsOnly(Event.EventType.DELETE);
            assertThat(response.getEventsList()).extracting(e -> e.getKv().getKey().toStringUtf8())
                    .containsExactly("lease/a", "lease/b", "lease/c");
            assertThat(response.getEventsList()).allSatisfy(e -> {
                assertThat(e.getKv().getModRevision()).isEqualTo(revision);
                assertThat(e.getKv().getValue()).isEmpty();
                assertThat(e.getKv().getCreateRevision()).isZero();
                assertThat(e.getKv().getVersion()).isZero();
                assertThat(e.getKv().getLease()).isZero();
                assertThat(e.getPrevKv().getLease()).isEqualTo(leaseId);
                assertThat(e.getPrevKv().getValue().toStringUtf8()).isEqualTo("v-" + e.getKv().getKey().toStringUtf8());
            });
            assertThat(response.getHeader().getRevision()).isEqualTo(revision);
        }
        for (WatchCall call : calls) {
            assertThat(call.poll(0)).as("one response per watcher").isNull();
        }
        long first = receivedNanos.stream().mapToLong(Long::longValue).min().orElseThrow();
        long last = receivedNanos.stream().mapToLong(Long::longValue).max().orElseThrow();
        LOG.info("lease expiry to 100 watchers: spread first to last {} ms; last receipt {} ms after grant + TTL",
                (last - first) / 1e6, (last - grantedNanos - TimeUnit.SECONDS.toNanos(2)) / 1e6);
    }

    @Test
    void leaseRevokeReachesHundredWatchersQuickly() throws Exception {
        long leaseId = LeaseGrpc.newBlockingStub(channel).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID();
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
        for (String key : List.of("rv/a", "rv/b", "rv/c")) {
            kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setLease(leaseId).build());
        }
        List<WatchCall> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            WatchCall call = WatchCall.open(channel);
            call.createAndAwait(WatchCall.prefix("rv/"));
            call.receivedNanos.clear();
            calls.add(call);
        }

        long revokeNanos = System.nanoTime();
        long revision = LeaseGrpc.newBlockingStub(channel).leaseRevoke(LeaseRevokeRequest.newBuilder().setID(leaseId).build())
                .getHeader().getRevision();

        long slowestNanos = 0;
        for (WatchCall call : calls) {
            WatchResponse response = call.next();
            assertThat(response.getEventsList()).extracting(e -> e.getKv().getModRevision()).containsExactly(revision, revision, revision);
            slowestNanos = Math.max(slowestNanos, call.receivedNanos.poll() - revokeNanos);
        }
        LOG.info("lease revoke to 100 watchers: slowest receipt {} ms after the revoke request was sent", slowestNanos / 1e6);
    }

    @Test
    void stalledReaderGetsEveryEventAfterWritesFinish() throws Exception {
        int puts = 100_000;
        WatchCall call = WatchCall.open(channel, 1);
        WatchResponse created = call.createAndAwait(WatchCall.prefix("load/"));
        long startRevision = created.getHeader().getRevision() + 1;

        long writeStart = System.nanoTime();
        writeConcurrently(puts, 1_000);
        long writeMillis = (System.nanoTime() - writeStart) / 1_000_000;
        assertThat(call.responses).as("the stalled reader took nothing meanwhile").isEmpty();

        long readStart = System.nanoTime();
        call.request(Integer.MAX_VALUE);
        long expected = startRevision;
        int responses = 0;
        while (expected < startRevision + puts) {
            WatchResponse response = call.responses.poll(10, TimeUnit.SECONDS);
            assertThat(response).as("events after revision %d", expected - 1).isNotNull();
            responses++;
            for (Event event : response.getEventsList()) {
                assertThat(event.getKv().getModRevision()).as("no gap, no duplicate").isEqualTo(expected);
                expected++;
            }
        }
        long readMillis = (System.nanoTime() - readStart) / 1_000_000;
        assertThat(call.poll(200)).isNull();
        LOG.info("stalled reader: {} puts took {} ms; then {} events arrived in {} responses within {} ms",
                puts, writeMillis, puts, responses, readMillis);
    }

    @Test
    void reconnectResumesWithoutLossOrDuplicates() throws Exception {
        int puts = 3_000;
        WatchCall first = WatchCall.open(channel);
        long startRevision = first.createAndAwait(WatchCall.prefix("re/")).getHeader().getRevision() + 1;
        AtomicReference<Throwable> writeFailure = new AtomicReference<>();
        Thread writer = Thread.ofVirtual().name("reconnect-writer").start(() -> {
            try {
                writeConcurrently(puts, 16);
            } catch (Throwable t) {
                writeFailure.set(t);
            }
        });

        List<Long> seen = new ArrayList<>();
        while (seen.size() < 500) {
            for (Event event : first.next().getEventsList()) {
                seen.add(event.getKv().getModRevision());
            }
        }
        first.cancelCall();
        long resumeAt = seen.get(seen.size() - 1) + 1;
        WatchCall second = WatchCall.open(channel);
        second.createAndAwait(WatchCall.prefix("re/").setStartRevision(resumeAt));
        while (seen.size() < puts) {
            for (Event event : second.next().getEventsList()) {
                seen.add(event.getKv().getModRevision());
            }
        }
        assertThat(writer.join(java.time.Duration.ofSeconds(30))).as("writes finished").isTrue();
        assertThat(writeFailure.get()).isNull();

        for (int i = 0; i < puts; i++) {
            assertThat(seen.get(i)).as("event %d", i).isEqualTo(startRevision + i);
        }
        assertThat(second.poll(200)).isNull();
    }

    /** Puts {@code count} keys under "load/" or "re/" with at most {@code inFlight} requests outstanding. */
    private void writeConcurrently(int count, int inFlight) {
        KVGrpc.KVStub kv = KVGrpc.newStub(channel);
        Semaphore permits = new Semaphore(inFlight);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        String prefix = inFlight > 100 ? "load/" : "re/";
        try {
            for (int i = 0; i < count; i++) {
                permits.acquire();
                PutRequest put = PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(prefix + (i % 1000)))
                        .setValue(ByteString.copyFromUtf8("value-" + i)).build();
                kv.put(put, new StreamObserver<PutResponse>() {
                    @Override
                    public void onNext(PutResponse response) {
                    }

                    @Override
                    public void onError(Throwable t) {
                        failure.compareAndSet(null, t);
                        permits.release();
                    }

                    @Override
                    public void onCompleted() {
                        permits.release();
                    }
                });
            }
            permits.acquire(inFlight);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing", e);
        }
        assertThat(failure.get()).as("put failures").isNull();
    }
}
