package io.lessor.server.engine;

import static io.lessor.server.engine.EngineTestSupport.assertFails;
import static io.lessor.server.engine.EngineTestSupport.bytes;
import static io.lessor.server.engine.EngineTestSupport.delete;
import static io.lessor.server.engine.EngineTestSupport.get;
import static io.lessor.server.engine.EngineTestSupport.keys;
import static io.lessor.server.engine.EngineTestSupport.put;
import static io.lessor.server.engine.EngineTestSupport.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.lessor.api.DeleteRangeRequest;
import io.lessor.api.DeleteRangeResponse;
import io.lessor.api.KeyValue;
import io.lessor.api.PutRequest;
import io.lessor.api.RangeRequest;
import io.lessor.api.RangeRequest.SortOrder;
import io.lessor.api.RangeRequest.SortTarget;
import io.lessor.api.RangeResponse;
import io.lessor.context.LeakCheck;
import io.lessor.context.ManualClock;
import io.lessor.server.EtcdError;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
class KvEngineTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private LocalEngine engine;

    @BeforeEach
    void open() {
        engine = LocalEngine.open(EngineTestSupport.config(dir), clock);
    }

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void newStoreStartsAtRevisionOne() {
        assertThat(engine.header().getRevision()).isEqualTo(1);
        assertThat(engine.header().getRaftTerm()).isEqualTo(1);
        assertThat(engine.header().getMemberId()).isNotZero();
        assertThat(engine.header().getClusterId()).isNotZero();
    }

    @Test
    void revisionsCountAcrossPutDeletePut() {
        assertThat(put(engine, "a", "v1").getHeader().getRevision()).isEqualTo(2);
        KeyValue first = get(engine, "a");
        assertThat(first.getCreateRevision()).isEqualTo(2);
        assertThat(first.getModRevision()).isEqualTo(2);
        assertThat(first.getVersion()).isEqualTo(1);

        assertThat(put(engine, "a", "v2").getHeader().getRevision()).isEqualTo(3);
        KeyValue second = get(engine, "a");
        assertThat(second.getCreateRevision()).isEqualTo(2);
        assertThat(second.getModRevision()).isEqualTo(3);
        assertThat(second.getVersion()).isEqualTo(2);

        DeleteRangeResponse deleted = delete(engine, "a");
        assertThat(deleted.getDeleted()).isEqualTo(1);
        assertThat(deleted.getHeader().getRevision()).isEqualTo(4);
        assertThat(get(engine, "a")).isNull();

        DeleteRangeResponse deletedAgain = delete(engine, "a");
        assertThat(deletedAgain.getDeleted()).isZero();
        assertThat(deletedAgain.getHeader().getRevision()).isEqualTo(4);

        assertThat(put(engine, "a", "v3").getHeader().getRevision()).isEqualTo(5);
        KeyValue third = get(engine, "a");
        assertThat(third.getCreateRevision()).isEqualTo(5);
        assertThat(third.getModRevision()).isEqualTo(5);
        assertThat(third.getVersion()).isEqualTo(1);
    }

    @Test
    void rangeAtOlderRevisionsReadsHistory() {
        put(engine, "a", "v1");
        put(engine, "a", "v2");
        delete(engine, "a");
        put(engine, "a", "v3");
        put(engine, "a", "v4");

        KeyValue atThree = range(engine, RangeRequest.newBuilder().setKey(bytes("a")).setRevision(3)).getKvs(0);
        assertThat(atThree.getValue().toStringUtf8()).isEqualTo("v2");
        assertThat(atThree.getVersion()).isEqualTo(2);
        assertThat(range(engine, RangeRequest.newBuilder().setKey(bytes("a")).setRevision(2)).getKvs(0)
                .getValue().toStringUtf8()).isEqualTo("v1");
        assertThat(range(engine, RangeRequest.newBuilder().setKey(bytes("a")).setRevision(4)).getKvsCount()).isZero();
        RangeResponse atFive = range(engine, RangeRequest.newBuilder().setKey(bytes("a")).setRevision(5));
        assertThat(atFive.getKvs(0).getValue().toStringUtf8()).isEqualTo("v3");
        assertThat(atFive.getHeader().getRevision()).as("the header shows the current revision").isEqualTo(6);

        assertFails(engine.range(RangeRequest.newBuilder().setKey(bytes("a")).setRevision(7).build()),
                EtcdError.FUTURE_REVISION);
    }

    /** Values, versions and revisions chosen so that every sort target gives a different order. */
    private void putSortFixture() {
        put(engine, "a", "z"); // rev 2
        put(engine, "b", "y"); // rev 3
        put(engine, "c", "x"); // rev 4
        put(engine, "a", "w"); // rev 5: a has version 2
    }

    @Test
    void rangeSelectsKeysByEnd() {
        putSortFixture();
        put(engine, "d", "v");

        assertThat(keys(range(engine, RangeRequest.newBuilder().setKey(bytes("a"))))).containsExactly("a");
        assertThat(keys(range(engine, RangeRequest.newBuilder().setKey(bytes("a")).setRangeEnd(bytes("c")))))
                .containsExactly("a", "b");
        assertThat(keys(range(engine, RangeRequest.newBuilder().setKey(bytes("\0")).setRangeEnd(bytes("\0")))))
                .containsExactly("a", "b", "c", "d");
        assertThat(keys(range(engine, RangeRequest.newBuilder().setKey(bytes("b")).setRangeEnd(bytes("\0")))))
                .containsExactly("b", "c", "d");
        assertThat(keys(range(engine, RangeRequest.newBuilder().setKey(bytes("c")).setRangeEnd(bytes("a")))))
                .isEmpty();
        assertThat(keys(range(engine, RangeRequest.newBuilder().setKey(bytes("missing"))))).isEmpty();
    }

    @Test
    void rangeUsesUnsignedByteOrder() {
        put(engine, "\u007f", "low");
        engine.put(PutRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) 0xff}))
                .setValue(bytes("high")).build()).join();

        RangeResponse all = range(engine, RangeRequest.newBuilder().setKey(bytes("\0")).setRangeEnd(bytes("\0")));

        assertThat(all.getKvs(0).getValue().toStringUtf8()).isEqualTo("low");
        assertThat(all.getKvs(1).getValue().toStringUtf8()).isEqualTo("high");
    }

    @Test
    void rangeLimitSetsMoreAndCount() {
        putSortFixture();
        RangeRequest.Builder all = RangeRequest.newBuilder().setKey(bytes("\0")).setRangeEnd(bytes("\0"));

        RangeResponse limited = range(engine, all.clone().setLimit(2));
        assertThat(keys(limited)).containsExactly("a", "b");
        assertThat(limited.getMore()).isTrue();
        assertThat(limited.getCount()).isEqualTo(3);

        RangeResponse exact = range(engine, all.clone().setLimit(3));
        assertThat(keys(exact)).containsExactly("a", "b", "c");
        assertThat(exact.getMore()).isFalse();
        assertThat(exact.getCount()).isEqualTo(3);
    }

    @Test
    void rangeCountOnlyAndKeysOnly() {
        putSortFixture();
        RangeRequest.Builder all = RangeRequest.newBuilder().setKey(bytes("\0")).setRangeEnd(bytes("\0"));

        RangeResponse counted = range(engine, all.clone().setCountOnly(true));
        assertThat(counted.getKvsCount()).isZero();
        assertThat(counted.getCount()).isEqualTo(3);

        RangeResponse keysOnly = range(engine, all.clone().setKeysOnly(true));
        assertThat(keys(keysOnly)).containsExactly("a", "b", "c");
        assertThat(keysOnly.getKvsList()).allSatisfy(kv -> assertThat(kv.getValue().isEmpty()).isTrue());
        assertThat(keysOnly.getKvs(0).getVersion()).isEqualTo(2);
    }

    @Test
    void rangeSortsByEachTarget() {
        putSortFixture();
        RangeRequest.Builder all = RangeRequest.newBuilder().setKey(bytes("\0")).setRangeEnd(bytes("\0"));

        assertThat(keys(range(engine, all.clone().setSortTarget(SortTarget.VALUE))))
                .as("NONE with a target other than KEY sorts ascending").containsExactly("a", "c", "b");
        assertThat(keys(range(engine, all.clone().setSortTarget(SortTarget.MOD).setSortOrder(SortOrder.DESCEND))))
                .containsExactly("a", "c", "b");
        assertThat(keys(range(engine, all.clone().setSortTarget(SortTarget.CREATE).setSortOrder(SortOrder.DESCEND))))
                .containsExactly("c", "b", "a");
        assertThat(keys(range(engine, all.clone().setSortTarget(SortTarget.VERSION).setSortOrder(SortOrder.DESCEND))))
                .first().isEqualTo("a");
        assertThat(keys(range(engine, all.clone().setSortTarget(SortTarget.KEY).setSortOrder(SortOrder.DESCEND))))
                .containsExactly("c", "b", "a");
        assertThat(keys(range(engine, all.clone().setSortTarget(SortTarget.KEY).setSortOrder(SortOrder.ASCEND))))
                .containsExactly("a", "b", "c");
        assertThat(keys(range(engine, all.clone().setSortTarget(SortTarget.VALUE).setSortOrder(SortOrder.DESCEND))))
                .containsExactly("b", "c", "a");
    }

    @Test
    void rangeSortsBeforeLimit() {
        putSortFixture();
        RangeRequest.Builder all = RangeRequest.newBuilder().setKey(bytes("\0")).setRangeEnd(bytes("\0"));

        RangeResponse newest = range(engine, all.clone().setSortTarget(SortTarget.MOD)
                .setSortOrder(SortOrder.DESCEND).setLimit(1));

        assertThat(keys(newest)).containsExactly("a");
        assertThat(newest.getMore()).isTrue();
        assertThat(newest.getCount()).isEqualTo(3);
    }

    @Test
    void rangeFiltersByRevisionsButCountsAll() {
        putSortFixture();
        RangeRequest.Builder all = RangeRequest.newBuilder().setKey(bytes("\0")).setRangeEnd(bytes("\0"));

        RangeResponse minMod = range(engine, all.clone().setMinModRevision(4));
        assertThat(keys(minMod)).containsExactly("a", "c");
        assertThat(minMod.getCount()).isEqualTo(3);
        assertThat(keys(range(engine, all.clone().setMaxModRevision(4)))).containsExactly("b", "c");
        assertThat(keys(range(engine, all.clone().setMinCreateRevision(3)))).containsExactly("b", "c");
        assertThat(keys(range(engine, all.clone().setMaxCreateRevision(3)))).containsExactly("a", "b");

        RangeResponse filteredLimited = range(engine, all.clone().setMinCreateRevision(3).setLimit(1));
        assertThat(keys(filteredLimited)).containsExactly("b");
        assertThat(filteredLimited.getMore()).isTrue();
    }

    @Test
    void rangeSerializableReadsTheSame() {
        putSortFixture();

        RangeResponse serializable = range(engine, RangeRequest.newBuilder().setKey(bytes("a")).setSerializable(true));

        assertThat(serializable.getKvs(0).getValue().toStringUtf8()).isEqualTo("w");
        assertThat(serializable.getHeader().getRevision()).isEqualTo(5);
    }

    @Test
    void rangeRejectsEmptyKeyAndUnknownSort() {
        assertFails(engine.range(RangeRequest.newBuilder().build()), EtcdError.KEY_NOT_PROVIDED);
        assertFails(engine.range(RangeRequest.newBuilder().setKey(bytes("a")).setSortOrderValue(7).build()),
                EtcdError.INVALID_SORT_OPTION);
        assertFails(engine.range(RangeRequest.newBuilder().setKey(bytes("a")).setSortTargetValue(9).build()),
                EtcdError.INVALID_SORT_OPTION);
    }

    @Test
    void rangeHeaderIsComplete() {
        put(engine, "a", "v");

        RangeResponse response = range(engine, RangeRequest.newBuilder().setKey(bytes("a")));

        assertThat(response.getHeader().getRevision()).isEqualTo(2);
        assertThat(response.getHeader().getClusterId()).isEqualTo(engine.header().getClusterId());
        assertThat(response.getHeader().getMemberId()).isEqualTo(engine.header().getMemberId());
        assertThat(response.getHeader().getRaftTerm()).isEqualTo(1);
    }

    @Test
    void putReturnsPrevKvWhenAsked() {
        put(engine, "a", "v1");

        var response = engine.put(PutRequest.newBuilder().setKey(bytes("a")).setValue(bytes("v2")).setPrevKv(true)
                .build()).join();
        var fresh = engine.put(PutRequest.newBuilder().setKey(bytes("b")).setValue(bytes("v")).setPrevKv(true)
                .build()).join();

        assertThat(response.getPrevKv().getValue().toStringUtf8()).isEqualTo("v1");
        assertThat(response.getPrevKv().getModRevision()).isEqualTo(2);
        assertThat(fresh.hasPrevKv()).isFalse();
        assertThat(response.getHeader().getMemberId()).isEqualTo(engine.header().getMemberId());
    }

    @Test
    void putRejectsInvalidRequests() {
        assertFails(engine.put(PutRequest.newBuilder().setValue(bytes("v")).build()), EtcdError.KEY_NOT_PROVIDED);
        assertFails(engine.put(PutRequest.newBuilder().setKey(bytes("k")).setIgnoreValue(true).setValue(bytes("v"))
                .build()), EtcdError.VALUE_PROVIDED);
        assertFails(engine.put(PutRequest.newBuilder().setKey(bytes("k")).setIgnoreLease(true).setLease(5).build()),
                EtcdError.LEASE_PROVIDED);
        assertFails(engine.put(PutRequest.newBuilder().setKey(bytes("missing")).setIgnoreLease(true).build()),
                EtcdError.KEY_NOT_FOUND);
        assertFails(engine.put(PutRequest.newBuilder().setKey(bytes("missing")).setIgnoreValue(true).build()),
                EtcdError.KEY_NOT_FOUND);
        assertFails(engine.put(PutRequest.newBuilder().setKey(bytes("k")).setLease(999).build()),
                EtcdError.LEASE_NOT_FOUND);
        assertFails(engine.put(PutRequest.newBuilder().setKey(bytes("k")).setLease(-1).build()),
                EtcdError.LEASE_NOT_FOUND);

        assertThat(engine.header().getRevision()).as("failed puts change nothing").isEqualTo(1);
    }

    @Test
    void putIgnoreValueKeepsTheValue() {
        put(engine, "k", "kept");

        engine.put(PutRequest.newBuilder().setKey(bytes("k")).setIgnoreValue(true).build()).join();

        KeyValue kv = get(engine, "k");
        assertThat(kv.getValue().toStringUtf8()).isEqualTo("kept");
        assertThat(kv.getVersion()).isEqualTo(2);
    }

    @Test
    void deleteRangeReturnsPrevKvs() {
        put(engine, "a", "1");
        put(engine, "b", "2");
        put(engine, "c", "3");

        DeleteRangeResponse response = engine.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("a"))
                .setRangeEnd(bytes("c")).setPrevKv(true).build()).join();

        assertThat(response.getDeleted()).isEqualTo(2);
        assertThat(response.getPrevKvsList()).extracting(kv -> kv.getKey().toStringUtf8()).containsExactly("a", "b");
        assertThat(response.getHeader().getRevision()).isEqualTo(5);
        assertThat(keys(range(engine, RangeRequest.newBuilder().setKey(bytes("\0")).setRangeEnd(bytes("\0")))))
                .containsExactly("c");
        assertFails(engine.deleteRange(DeleteRangeRequest.newBuilder().build()), EtcdError.KEY_NOT_PROVIDED);
    }

    @Test
    void deleteEventsShareOneRevisionInKeyOrder() {
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        engine.addRevisionListener((revision, events) -> events.forEach(event -> seen.add(revision + " "
                + event.getType() + " " + event.getKv().getKey().toStringUtf8() + " " + event.getKv().getModRevision()
                + " prev=" + event.getPrevKv().getValue().toStringUtf8())));
        put(engine, "b", "2");
        put(engine, "a", "1");

        engine.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("a")).setRangeEnd(bytes("\0")).build()).join();

        assertThat(seen).containsExactly("2 PUT b 2 prev=", "3 PUT a 3 prev=", "4 DELETE a 4 prev=1",
                "4 DELETE b 4 prev=2");
    }

    @Test
    void historyEventsMatchWhatListenersGot() {
        java.util.List<String> live = new java.util.concurrent.CopyOnWriteArrayList<>();
        engine.addRevisionListener((revision, events) -> live.add(revision + " " + events));
        put(engine, "a", "1");
        put(engine, "b", "1");
        put(engine, "a", "2");
        engine.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("a")).setRangeEnd(bytes("c")).build()).join();
        put(engine, "a", "3");

        java.util.List<String> history = new java.util.ArrayList<>();
        for (var revision : engine.events(2, 100, 100)) {
            history.add(revision.revision() + " " + revision.events());
        }

        assertThat(history).isEqualTo(live).hasSize(5);
        assertThat(engine.events(3, 4, 100)).extracting(r -> r.revision()).containsExactly(3L, 4L);
        assertThat(engine.events(2, 100, 2)).extracting(r -> r.revision()).containsExactly(2L, 3L);
        engine.compact(io.lessor.api.CompactionRequest.newBuilder().setRevision(3).build()).join();
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(io.lessor.server.EtcdException.class,
                () -> engine.events(3, 100, 100)).error()).isEqualTo(EtcdError.COMPACTED);
        assertThat(engine.events(4, 100, 100)).hasSize(3);
    }

    @Test
    void historyReadStopsOnByteBoundBetweenRevisions() {
        put(engine, "a", "1");
        put(engine, "b", "1");
        // revision 4 deletes both keys, and a read must return its two events together
        engine.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("a")).setRangeEnd(bytes("c")).build()).join();
        put(engine, "a", "0123456789".repeat(100));
        put(engine, "b", "2");
        put(engine, "b", "3");

        assertThat(engine.events(2, 100, 100, 1)).extracting(r -> r.revision()).containsExactly(2L);
        assertThat(engine.events(4, 100, 100, 1)).singleElement()
                .satisfies(r -> assertThat(r.events()).hasSize(2));
        assertThat(engine.events(5, 100, 100, 1_000)).extracting(r -> r.revision()).containsExactly(5L);
        assertThat(engine.events(6, 100, 100, 1_000)).extracting(r -> r.revision()).containsExactly(6L, 7L);
        assertThat(engine.events(8, 100, 100, 1)).isEmpty();
    }
}
