package io.lessor.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.lessor.api.CompactionRequest;
import io.lessor.api.DeleteRangeRequest;
import io.lessor.api.Event;
import io.lessor.api.KVGrpc;
import io.lessor.api.KeyValue;
import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.LeaseGrpc;
import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import io.lessor.api.RangeRequest;
import io.lessor.api.RequestOp;
import io.lessor.api.TxnRequest;
import io.lessor.api.WatchCreateRequest;
import io.lessor.api.WatchResponse;
import io.lessor.context.LeakCheck;
import io.lessor.server.LessorServer;
import io.lessor.server.ServerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
class WatchServiceTest {

    @TempDir
    Path dataDir;

    private LessorServer server;
    private ManagedChannel channel;
    private KVGrpc.KVBlockingStub kv;

    @BeforeEach
    void start() throws Exception {
        server = LessorServer.start(ServerConfig.defaults(dataDir).withListenAddress(new InetSocketAddress("127.0.0.1", 0)));
        InetSocketAddress bound = server.listenAddresses().get(0);
        channel = NettyChannelBuilder.forAddress(bound.getHostString(), bound.getPort()).usePlaintext().build();
        kv = KVGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    private long put(String key, String value) {
        return put(key, value, 0);
    }

    private long put(String key, String value, long leaseId) {
        return kv.put(PutRequest.newBuilder().setKey(utf8(key)).setValue(utf8(value)).setLease(leaseId).build())
                .getHeader().getRevision();
    }

    private long delete(String key) {
        return kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(utf8(key)).build()).getHeader().getRevision();
    }

    private static ByteString utf8(String s) {
        return ByteString.copyFromUtf8(s);
    }

    @Test
    void createAnswersWithIdAndCurrentRevision() throws Exception {
        long revision = put("a", "1");
        WatchCall call = WatchCall.open(channel);

        WatchResponse created = call.createAndAwait(WatchCall.key("a"));

        assertThat(created.getWatchId()).isZero();
        assertThat(created.getCanceled()).isFalse();
        assertThat(created.getHeader().getRevision()).isEqualTo(revision);
        assertThat(created.getHeader().getClusterId()).isEqualTo(server.clusterId());
        assertThat(created.getHeader().getMemberId()).isEqualTo(server.memberId());
        assertThat(created.getHeader().getRaftTerm()).isPositive();
        assertThat(call.createAndAwait(WatchCall.key("b")).getWatchId()).isEqualTo(1);
    }

    @Test
    void putAndDeleteEvents() throws Exception {
        WatchCall call = WatchCall.open(channel);
        call.createAndAwait(WatchCall.key("k"));

        long putRevision = put("k", "v1");
        long deleteRevision = delete("k");
        put("other", "x");

        WatchResponse putResponse = call.next();
        assertThat(putResponse.getHeader().getRevision()).isEqualTo(putRevision);
        assertThat(putResponse.getEventsList()).hasSize(1);
        Event put = putResponse.getEvents(0);
        assertThat(put.getType()).isEqualTo(Event.EventType.PUT);
        assertThat(put.getKv().getValue().toStringUtf8()).isEqualTo("v1");
        assertThat(put.getKv().getCreateRevision()).isEqualTo(putRevision);
        assertThat(put.getKv().getModRevision()).isEqualTo(putRevision);
        assertThat(put.getKv().getVersion()).isEqualTo(1);
        assertThat(put.hasPrevKv()).isFalse();

        WatchResponse deleteResponse = call.next();
        assertThat(deleteResponse.getHeader().getRevision()).isEqualTo(deleteRevision);
        Event delete = deleteResponse.getEvents(0);
        assertThat(delete.getType()).isEqualTo(Event.EventType.DELETE);
        assertThat(delete.getKv()).isEqualTo(KeyValue.newBuilder().setKey(utf8("k")).setModRevision(deleteRevision).build());
        assertThat(delete.hasPrevKv()).isFalse();
        assertThat(call.poll(200)).as("no event for another key").isNull();
    }

    @Test
    void prevKvIncludesLease() throws Exception {
        long leaseId = LeaseGrpc.newBlockingStub(channel).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID();
        put("p", "old", leaseId);
        WatchCall withPrev = WatchCall.open(channel);
        withPrev.createAndAwait(WatchCall.key("p").setPrevKv(true));
        WatchCall withoutPrev = WatchCall.open(channel);
        withoutPrev.createAndAwait(WatchCall.key("p"));

        put("p", "new");
        delete("p");

        Event overwrite = withPrev.next().getEvents(0);
        assertThat(overwrite.getPrevKv().getValue().toStringUtf8()).isEqualTo("old");
        assertThat(overwrite.getPrevKv().getLease()).isEqualTo(leaseId);
        Event delete = withPrev.next().getEvents(0);
        assertThat(delete.getType()).isEqualTo(Event.EventType.DELETE);
        assertThat(delete.getPrevKv().getValue().toStringUtf8()).isEqualTo("new");
        assertThat(delete.getPrevKv().getLease()).isZero();
        assertThat(withoutPrev.next().getEvents(0).hasPrevKv()).isFalse();
        assertThat(withoutPrev.next().getEvents(0).hasPrevKv()).isFalse();
    }

    @Test
    void prevKvOfLargeValuesIsWhole() throws Exception {
        String large = "L".repeat(5_000);
        put("big", large);
        WatchCall withoutPrev = WatchCall.open(channel);
        withoutPrev.createAndAwait(WatchCall.key("big"));
        put("big", "small");
        assertThat(withoutPrev.next().getEvents(0).hasPrevKv()).as("no watcher with prev_kv yet").isFalse();
        put("big", large);
        WatchCall withPrev = WatchCall.open(channel);
        withPrev.createAndAwait(WatchCall.key("big").setPrevKv(true));

        delete("big");

        Event delete = withPrev.next().getEvents(0);
        assertThat(delete.getType()).isEqualTo(Event.EventType.DELETE);
        assertThat(delete.getPrevKv().getValue().toStringUtf8()).isEqualTo(large);
        assertThat(delete.getPrevKv().getVersion()).isEqualTo(3);
        withoutPrev.next();
        assertThat(withoutPrev.next().getEvents(0).hasPrevKv()).isFalse();
    }

    @Test
    void filtersDropPutsOrDeletes() throws Exception {
        WatchCall call = WatchCall.open(channel);
        long noPut = call.createAndAwait(WatchCall.key("f").addFilters(WatchCreateRequest.FilterType.NOPUT)).getWatchId();
        long noDelete = call.createAndAwait(WatchCall.key("f").addFilters(WatchCreateRequest.FilterType.NODELETE)).getWatchId();

        put("f", "1");
        delete("f");

        List<WatchResponse> responses = List.of(call.next(), call.next());
        assertThat(responses).filteredOn(r -> r.getWatchId() == noPut)
                .singleElement().satisfies(r -> assertThat(r.getEvents(0).getType()).isEqualTo(Event.EventType.DELETE));
        assertThat(responses).filteredOn(r -> r.getWatchId() == noDelete)
                .singleElement().satisfies(r -> assertThat(r.getEvents(0).getType()).isEqualTo(Event.EventType.PUT));
        assertThat(call.poll(200)).isNull();
    }

    @Test
    void prefixAndAllKeysRanges() throws Exception {
        WatchCall call = WatchCall.open(channel);
        long prefixId = call.createAndAwait(WatchCall.prefix("dir/")).getWatchId();
        long allId = call.createAndAwait(WatchCreateRequest.newBuilder().setKey(ByteString.copyFrom(new byte[] {0}))
                .setRangeEnd(ByteString.copyFrom(new byte[] {0}))).getWatchId();
        long fromKeyId = call.createAndAwait(WatchCall.key("m").setRangeEnd(ByteString.copyFrom(new byte[] {0}))).getWatchId();

        put("dir/x", "1");
        put("a", "2");
        put("z", "3");

        List<WatchResponse> responses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            responses.add(call.next());
        }
        assertThat(keysOf(responses, prefixId)).containsExactly("dir/x");
        assertThat(keysOf(responses, allId)).containsExactly("dir/x", "a", "z");
        assertThat(keysOf(responses, fromKeyId)).containsExactly("z");
        assertThat(call.poll(200)).isNull();
    }

    private static List<String> keysOf(List<WatchResponse> responses, long watchId) {
        return responses.stream().filter(r -> r.getWatchId() == watchId)
                .flatMap(r -> r.getEventsList().stream()).map(e -> e.getKv().getKey().toStringUtf8()).toList();
    }

    @Test
    void eventsOfOneTxnArriveTogether() throws Exception {
        WatchCall call = WatchCall.open(channel);
        call.createAndAwait(WatchCall.prefix("t/"));

        TxnRequest txn = TxnRequest.newBuilder()
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(utf8("t/b")).setValue(utf8("1"))))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(utf8("t/a")).setValue(utf8("2"))))
                .build();
        long revision = kv.txn(txn).getHeader().getRevision();

        WatchResponse response = call.next();
        assertThat(response.getHeader().getRevision()).isEqualTo(revision);
        // etcd sends the events of a revision in the order the transaction wrote them.
        assertThat(response.getEventsList()).extracting(e -> e.getKv().getKey().toStringUtf8()).containsExactly("t/b", "t/a");
        assertThat(response.getEventsList()).allSatisfy(e -> assertThat(e.getKv().getModRevision()).isEqualTo(revision));
    }

    @Test
    void pastStartRevisionReplaysHistoryThenLiveEvents() throws Exception {
        long first = put("h", "1");
        put("unrelated", "x");
        put("h", "2");
        delete("h");
        long current = put("h", "3");
        WatchCall call = WatchCall.open(channel);

        WatchResponse created = call.createAndAwait(WatchCall.key("h").setStartRevision(first).setPrevKv(true));
        assertThat(created.getHeader().getRevision()).isEqualTo(current);
        List<Event> replayed = new ArrayList<>();
        while (replayed.size() < 4) {
            WatchResponse response = call.next();
            assertThat(response.getHeader().getRevision()).isGreaterThanOrEqualTo(current);
            replayed.addAll(response.getEventsList());
        }
        long live = put("h", "4");

        assertThat(replayed).extracting(e -> e.getType() + ":" + e.getKv().getValue().toStringUtf8())
                .containsExactly("PUT:1", "PUT:2", "DELETE:", "PUT:3");
        assertThat(replayed.get(1).getPrevKv().getValue().toStringUtf8()).isEqualTo("1");
        assertThat(replayed.get(2).getPrevKv().getValue().toStringUtf8()).isEqualTo("2");
        assertThat(replayed.get(3).hasPrevKv()).isFalse();
        WatchResponse liveResponse = call.next();
        assertThat(liveResponse.getEvents(0).getKv().getModRevision()).isEqualTo(live);
        assertThat(liveResponse.getEvents(0).getPrevKv().getValue().toStringUtf8()).isEqualTo("3");
    }

    @Test
    void catchUpSendsThousandRevisionBatches() throws Exception {
        // given 2500 revisions of one key, then one of another key
        KVGrpc.KVFutureStub async = KVGrpc.newFutureStub(channel);
        List<ListenableFuture<PutResponse>> puts = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            puts.add(async.put(PutRequest.newBuilder().setKey(utf8("b/x")).setValue(utf8("v")).build()));
        }
        for (ListenableFuture<PutResponse> put : puts) {
            put.get(10, TimeUnit.SECONDS);
        }
        long current = put("other", "1");
        WatchCall call = WatchCall.open(channel);

        // when a watcher of the key starts at revision 1
        call.createAndAwait(WatchCall.key("b/x").setStartRevision(1));

        // then it gets 1000, 1000 and 500 revisions, as etcd 3.4 sends them, each with the current revision
        List<WatchResponse> batches = List.of(call.next(), call.next(), call.next());
        assertThat(batches).extracting(WatchResponse::getEventsCount).containsExactly(1000, 1000, 500);
        assertThat(batches).extracting(r -> r.getHeader().getRevision()).containsOnly(current);
        assertThat(batches.get(0).getEvents(0).getKv().getModRevision()).isEqualTo(2);
        assertThat(batches.get(2).getEvents(499).getKv().getModRevision()).isEqualTo(current - 1);
        assertThat(call.poll(200)).isNull();
    }

    @Test
    void startRevisionWrittenWhileWatchOpensIsDelivered() throws Exception {
        KVGrpc.KVFutureStub async = KVGrpc.newFutureStub(channel);
        for (int round = 0; round < 200; round++) {
            // given a put in flight while a watch stream opens, and a watcher from its revision
            String key = "race/" + round;
            long current = kv.range(RangeRequest.newBuilder().setKey(utf8("none")).build()).getHeader().getRevision();
            ListenableFuture<PutResponse> put = async.put(PutRequest.newBuilder().setKey(utf8(key)).setValue(utf8("v")).build());
            WatchCall call = WatchCall.open(channel);
            call.createAndAwait(WatchCall.key(key).setStartRevision(current + 1));
            long written = put.get(5, TimeUnit.SECONDS).getHeader().getRevision();

            // then the watcher gets the put, whether the stream opened before or after it
            WatchResponse response = call.responses.poll(5, TimeUnit.SECONDS);
            assertThat(response).as("the event of revision %d in round %d", written, round).isNotNull();
            assertThat(response.getEventsList()).extracting(e -> e.getKv().getModRevision()).containsExactly(written);
            call.cancelCall();
        }
    }

    @Test
    void startRevisionBelowCompactionCancelsWithCompactRevision() throws Exception {
        long first = put("c", "1");
        put("c", "2");
        long compactAt = put("c", "3");
        put("c", "4");
        kv.compact(CompactionRequest.newBuilder().setRevision(compactAt).build());
        WatchCall call = WatchCall.open(channel);

        WatchResponse created = call.createAndAwait(WatchCall.key("c").setStartRevision(first));
        WatchResponse canceled = call.next();

        assertThat(canceled.getWatchId()).isEqualTo(created.getWatchId());
        assertThat(canceled.getCanceled()).isTrue();
        assertThat(canceled.getCompactRevision()).isEqualTo(compactAt);
        assertThat(canceled.getCancelReason()).isEmpty();
        assertThat(canceled.getHeader().getRevision()).as("etcd sends header revision 0 here").isZero();
        put("c", "5");
        assertThat(call.poll(200)).as("the watcher is gone").isNull();
    }

    @Test
    void startRevisionAfterCompactionReplays() throws Exception {
        put("r", "1");
        long compactAt = put("r", "2");
        long after = put("r", "3");
        kv.compact(CompactionRequest.newBuilder().setRevision(compactAt).build());
        WatchCall call = WatchCall.open(channel);

        call.createAndAwait(WatchCall.key("r").setStartRevision(compactAt + 1));

        WatchResponse replay = call.next();
        assertThat(replay.getEventsList()).extracting(e -> e.getKv().getModRevision()).containsExactly(after);
    }

    @Test
    void startAtCompactedRevisionSendsItsPuts() throws Exception {
        put("cr", "1");
        long compactAt = put("cr", "2");
        long after = put("cr", "3");
        kv.compact(CompactionRequest.newBuilder().setRevision(compactAt).build());
        WatchCall call = WatchCall.open(channel);

        call.createAndAwait(WatchCall.key("cr").setStartRevision(compactAt).setPrevKv(true));

        List<Event> events = new ArrayList<>();
        while (events.size() < 2) {
            events.addAll(call.next().getEventsList());
        }
        assertThat(events).extracting(e -> e.getKv().getModRevision()).containsExactly(compactAt, after);
        assertThat(events.get(0).getKv().getValue().toStringUtf8()).isEqualTo("2");
        assertThat(events.get(0).hasPrevKv()).as("the revision before the compacted one is gone").isFalse();
        assertThat(events.get(1).getPrevKv().getValue().toStringUtf8()).isEqualTo("2");
    }

    @Test
    void futureStartRevisionWaitsForIt() throws Exception {
        long current = put("fu", "0");
        WatchCall call = WatchCall.open(channel);
        WatchResponse created = call.createAndAwait(WatchCall.key("fu").setStartRevision(current + 3));
        assertThat(created.getHeader().getRevision()).isEqualTo(current);

        put("fu", "1");
        put("fu", "2");
        long third = put("fu", "3");
        put("fu", "4");

        assertThat(call.next().getEvents(0).getKv().getModRevision()).isEqualTo(third);
        assertThat(call.next().getEvents(0).getKv().getModRevision()).isEqualTo(third + 1);
    }

    @Test
    void explicitIdsAndDuplicateError() throws Exception {
        WatchCall call = WatchCall.open(channel);

        assertThat(call.createAndAwait(WatchCall.key("x").setWatchId(1)).getWatchId()).isEqualTo(1);
        WatchResponse duplicate = call.createAndAwait(WatchCall.key("y").setWatchId(1));
        assertThat(call.createAndAwait(WatchCall.key("z")).getWatchId()).as("auto ids start at 0").isZero();
        assertThat(call.createAndAwait(WatchCall.key("z")).getWatchId()).as("auto ids skip ids in use").isEqualTo(2);
        assertThat(call.createAndAwait(WatchCall.key("w").setWatchId(-5)).getWatchId()).isEqualTo(-5);

        assertThat(duplicate.getCanceled()).isTrue();
        assertThat(duplicate.getWatchId()).isEqualTo(-1);
        assertThat(duplicate.getCancelReason()).isEqualTo("mvcc: duplicate watch ID provided on the WatchStream");
        put("x", "1");
        assertThat(call.next().getWatchId()).isEqualTo(1);
    }

    @Test
    void invalidCreateRequestsAreRefused() throws Exception {
        WatchCall call = WatchCall.open(channel);

        WatchResponse emptyRange = call.createAndAwait(WatchCall.key("b").setRangeEnd(utf8("a")));
        WatchResponse negativeStart = call.createAndAwait(WatchCall.key("b").setStartRevision(-1));

        assertThat(emptyRange.getCanceled()).isTrue();
        assertThat(emptyRange.getWatchId()).isEqualTo(-1);
        assertThat(emptyRange.getCancelReason()).isEqualTo("mvcc: watcher range is empty");
        assertThat(negativeStart.getCanceled()).isTrue();
        assertThat(negativeStart.getWatchId()).isEqualTo(-1);
        assertThat(negativeStart.getCancelReason()).isEqualTo("etcdserver: mvcc: required revision has been compacted");
    }

    @Test
    void cancelStopsEventsUnknownIgnored() throws Exception {
        WatchCall call = WatchCall.open(channel);
        long id = call.createAndAwait(WatchCall.key("cx")).getWatchId();
        long revision = put("cx", "1");
        assertThat(call.next().getWatchId()).isEqualTo(id);

        call.cancel(id);
        WatchResponse canceled = call.next();
        call.cancel(42);
        put("cx", "2");
        call.requestProgress();

        assertThat(canceled.getCanceled()).isTrue();
        assertThat(canceled.getWatchId()).isEqualTo(id);
        assertThat(canceled.getCreated()).isFalse();
        assertThat(canceled.getHeader().getRevision()).isEqualTo(revision);
        WatchResponse progress = call.next();
        assertThat(progress.getWatchId()).as("the cancel of id 42 got no response").isEqualTo(-1);
        assertThat(progress.getEventsList()).isEmpty();
    }

    @Test
    void progressRequestReportsCurrentRevision() throws Exception {
        WatchCall call = WatchCall.open(channel);
        call.createAndAwait(WatchCall.key("pr"));
        long revision = put("elsewhere", "1");

        call.requestProgress();

        WatchResponse progress = call.next();
        assertThat(progress.getWatchId()).isEqualTo(-1);
        assertThat(progress.getHeader().getRevision()).isEqualTo(revision);
        assertThat(progress.getCreated()).isFalse();
        assertThat(progress.getCanceled()).isFalse();
        assertThat(progress.getCompactRevision()).isZero();
        assertThat(progress.getEventsList()).isEmpty();
    }

    @Test
    void halfCloseKeepsWatching() throws Exception {
        WatchCall call = WatchCall.open(channel);
        call.createAndAwait(WatchCall.key("hc"));

        call.halfClose();
        long revision = put("hc", "1");

        assertThat(call.next().getEvents(0).getKv().getModRevision()).isEqualTo(revision);
        assertThat(call.end).isNotDone();
    }

    @Test
    void stopEndsWatchStreamWithServerStopped() throws Exception {
        WatchCall call = WatchCall.open(channel);
        call.createAndAwait(WatchCall.key("s"));

        server.stop(Duration.ofSeconds(2));

        Status status = call.end.get(5, TimeUnit.SECONDS);
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).isEqualTo("etcdserver: server stopped");
    }
}
