package io.lessor.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.lessor.api.KVGrpc;
import io.lessor.api.PutRequest;
import io.lessor.api.RequestOp;
import io.lessor.api.TxnRequest;
import io.lessor.api.WatchGrpc;
import io.lessor.api.WatchProgressRequest;
import io.lessor.api.WatchRequest;
import io.lessor.api.WatchResponse;
import io.lessor.context.Clock;
import io.lessor.context.LeakCheck;
import io.lessor.context.ManualClock;
import io.lessor.server.ServerConfig;
import io.lessor.server.engine.LocalEngine;
import io.lessor.server.watch.WatchConfig;
import io.lessor.server.watch.WatchStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Watch options that need a WatchConfig of their own: progress notifications and fragments. */
@ExtendWith(LeakCheck.class)
class WatchOptionsTest {

    private static final Duration PROGRESS_INTERVAL = Duration.ofMillis(200);
    private static final int FRAGMENT_BYTES = 1_000;

    @TempDir
    Path dataDir;

    private final ManualClock clock = new ManualClock();
    private LocalEngine engine;
    private WatchService watchService;
    private Server server;
    private ManagedChannel channel;
    private KVGrpc.KVBlockingStub kv;

    @BeforeEach
    void start() throws Exception {
        ServerConfig serverConfig = ServerConfig.defaults(dataDir);
        engine = LocalEngine.open(serverConfig, Clock.system());
        OpenStreams streams = new OpenStreams();
        WatchConfig config = new WatchConfig(PROGRESS_INTERVAL, FRAGMENT_BYTES, 256 * 1024, 1000, 1024, 2000);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new KvService(engine, new RequestLimits(serverConfig.maxRequestBytes()),
                        serverConfig.maxTxnOps(), Runnable::run).definition())
                .addService(watchService = new WatchService(engine, config, streams, clock))
                .build()
                .start();
        InetSocketAddress bound = (InetSocketAddress) server.getListenSockets().get(0);
        channel = NettyChannelBuilder.forAddress(bound.getHostString(), bound.getPort()).usePlaintext().build();
        kv = KVGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        engine.close();
    }

    private long put(String key, String value) {
        return kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value)).build())
                .getHeader().getRevision();
    }

    @Test
    void clientThatNeverReadsIsHeldBack() throws Exception {
        // A raw call that never requests a response, so every response stays with the server.
        ClientCall<WatchRequest, WatchResponse> call = channel.newCall(WatchGrpc.getWatchMethod(), CallOptions.DEFAULT);
        call.start(new ClientCall.Listener<>() { }, new Metadata());
        WatchRequest progress = WatchRequest.newBuilder()
                .setProgressRequest(WatchProgressRequest.getDefaultInstance()).build();
        try {
            // given a client that sends progress requests until the transport stops taking them
            long quietSince = System.nanoTime();
            while (System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(2)) {
                if (call.isReady()) {
                    call.sendMessage(progress);
                    quietSince = System.nanoTime();
                } else {
                    Thread.sleep(1);
                }
            }

            // then the server has queued only the few responses that made it stop reading
            assertThat(watchService.hub().queuedResponses()).isLessThanOrEqualTo(WatchStream.MAX_QUEUED_CONTROL_RESPONSES);
            // and the connection still serves other calls
            assertThat(put("after-flood", "v")).isPositive();
        } finally {
            call.cancel("test over", null);
        }
    }

    @Test
    void progressNotifyReachesQuietWatchersOnly() throws Exception {
        WatchCall call = WatchCall.open(channel);
        long notified = call.createAndAwait(WatchCall.key("quiet").setProgressNotify(true)).getWatchId();
        call.createAndAwait(WatchCall.key("silent"));
        long revision = put("elsewhere", "1");

        WatchResponse progress = tickAndAwait(call);

        assertThat(progress.getWatchId()).as("only the watcher with progress_notify").isEqualTo(notified);
        assertThat(progress.getEventsList()).isEmpty();
        assertThat(progress.getCreated()).isFalse();
        assertThat(progress.getCanceled()).isFalse();
        assertThat(progress.getCompactRevision()).isZero();
        assertThat(progress.getHeader().getRevision()).isEqualTo(revision);
        assertThat(call.poll(100)).as("one notification per tick").isNull();
    }

    @Test
    void progressNotifySkipsTickAfterEvents() throws Exception {
        WatchCall call = WatchCall.open(channel);
        long id = call.createAndAwait(WatchCall.key("busy").setProgressNotify(true)).getWatchId();
        long revision = put("busy", "1");
        assertThat(call.next().getEventsCount()).isEqualTo(1);

        // given events since the last tick, when the tick comes, then it sends nothing
        tick();
        call.requestProgress();
        WatchResponse requested = call.next();
        assertThat(requested.getWatchId()).as("the progress request's answer, not a notification").isEqualTo(-1);

        // and the tick after a quiet interval notifies again
        WatchResponse progress = tickAndAwait(call);
        assertThat(progress.getWatchId()).isEqualTo(id);
        assertThat(progress.getHeader().getRevision()).isEqualTo(revision);
    }

    /** Lets the stream's worker reach its next progress tick on the manual clock. */
    private void tick() throws InterruptedException {
        assertThat(clock.awaitPendingTimers(1, Duration.ofSeconds(5))).as("the worker waits for its tick").isTrue();
        clock.advance(PROGRESS_INTERVAL.multipliedBy(11).dividedBy(10));
    }

    private WatchResponse tickAndAwait(WatchCall call) throws InterruptedException {
        tick();
        return call.next();
    }

    @Test
    void clientCancelClosesStream() throws Exception {
        WatchCall call = WatchCall.open(channel);
        call.createAndAwait(WatchCall.prefix("gone/"));
        assertThat(watchService.hub().openStreams()).isEqualTo(1);

        call.cancelCall();

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> watchService.hub().openStreams() == 0);
        put("gone/a", "1");
        assertThat(call.poll(200)).isNull();
    }

    @Test
    void fragmentSplitsLargeResponseOnlyWhenAsked() throws Exception {
        WatchCall call = WatchCall.open(channel);
        long fragmented = call.createAndAwait(WatchCall.prefix("big/").setFragment(true)).getWatchId();
        long whole = call.createAndAwait(WatchCall.prefix("big/")).getWatchId();
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        for (int i = 0; i < 5; i++) {
            txn.addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                    .setKey(ByteString.copyFromUtf8("big/" + i)).setValue(ByteString.copyFromUtf8("x".repeat(400)))));
        }
        long revision = kv.txn(txn.build()).getHeader().getRevision();

        List<WatchResponse> parts = new ArrayList<>();
        WatchResponse wholeResponse = null;
        while (wholeResponse == null || parts.isEmpty() || parts.get(parts.size() - 1).getFragment()) {
            WatchResponse response = call.next();
            if (response.getWatchId() == whole) {
                wholeResponse = response;
            } else {
                assertThat(response.getWatchId()).isEqualTo(fragmented);
                parts.add(response);
            }
        }

        assertThat(wholeResponse.getEventsList()).hasSize(5);
        assertThat(wholeResponse.getFragment()).isFalse();
        assertThat(parts).hasSizeGreaterThan(1);
        assertThat(parts.subList(0, parts.size() - 1)).allSatisfy(part -> assertThat(part.getFragment()).isTrue());
        assertThat(parts).allSatisfy(part -> {
            assertThat(part.getHeader().getRevision()).isEqualTo(revision);
            assertThat(part.getSerializedSize()).isLessThan(FRAGMENT_BYTES);
        });
        assertThat(parts.stream().flatMap(p -> p.getEventsList().stream()).map(e -> e.getKv().getKey().toStringUtf8()))
                .containsExactly("big/0", "big/1", "big/2", "big/3", "big/4");
    }
}
