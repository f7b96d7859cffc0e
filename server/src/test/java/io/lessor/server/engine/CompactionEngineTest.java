package io.lessor.server.engine;

import static io.lessor.server.engine.EngineTestSupport.assertFails;
import static io.lessor.server.engine.EngineTestSupport.bytes;
import static io.lessor.server.engine.EngineTestSupport.delete;
import static io.lessor.server.engine.EngineTestSupport.get;
import static io.lessor.server.engine.EngineTestSupport.keys;
import static io.lessor.server.engine.EngineTestSupport.put;
import static io.lessor.server.engine.EngineTestSupport.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.lessor.api.CompactionRequest;
import io.lessor.api.CompactionResponse;
import io.lessor.api.RangeRequest;
import io.lessor.context.LeakCheck;
import io.lessor.context.ManualClock;
import io.lessor.server.EtcdError;
import io.lessor.server.storage.Storage;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
class CompactionEngineTest {

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

    private CompactionResponse compact(long revision, boolean physical) {
        return engine.compact(CompactionRequest.newBuilder().setRevision(revision).setPhysical(physical).build()).join();
    }

    private RangeRequest.Builder allAt(long revision) {
        return RangeRequest.newBuilder().setKey(bytes("\0")).setRangeEnd(bytes("\0")).setRevision(revision);
    }

    /** a@2, a@3, b@4, b deleted @5, a@6. */
    private void writeHistory() {
        put(engine, "a", "1");
        put(engine, "a", "2");
        put(engine, "b", "1");
        delete(engine, "b");
        put(engine, "a", "3");
    }

    @Test
    void readsBelowCompactedRevisionFail() {
        writeHistory();

        CompactionResponse response = compact(4, true);

        assertThat(response.getHeader().getRevision()).as("compaction keeps the revision").isEqualTo(6);
        assertThat(engine.compactedRevision()).isEqualTo(4);
        assertFails(engine.range(allAt(3).build()), EtcdError.COMPACTED);
        assertThat(keys(range(engine, allAt(4)))).containsExactly("a", "b");
        assertThat(range(engine, allAt(4)).getKvs(0).getValue().toStringUtf8()).isEqualTo("2");
        assertThat(keys(range(engine, allAt(5)))).containsExactly("a");
        assertThat(get(engine, "a").getVersion()).isEqualTo(3);
    }

    @Test
    void compactRejectsOldAndFutureRevisions() {
        writeHistory();
        compact(4, false);

        assertFails(engine.compact(CompactionRequest.newBuilder().setRevision(4).build()), EtcdError.COMPACTED);
        assertFails(engine.compact(CompactionRequest.newBuilder().setRevision(3).build()), EtcdError.COMPACTED);
        assertFails(engine.compact(CompactionRequest.newBuilder().setRevision(7).build()), EtcdError.FUTURE_REVISION);
        assertThat(compact(6, false).getHeader().getRevision()).isEqualTo(6);
    }

    @Test
    void compactionRemovesOldRevisionsFromStorage() {
        writeHistory();

        compact(5, true);
        engine.close();

        AtomicInteger records = new AtomicInteger();
        try (Storage storage = Storage.open(dir)) {
            storage.forEachKv((key, value) -> records.incrementAndGet());
        }
        assertThat(records.get()).as("a@3 and a@6 remain; b's history went with its delete").isEqualTo(2);

        engine = LocalEngine.open(EngineTestSupport.config(dir), clock);
        assertThat(engine.compactedRevision()).isEqualTo(5);
        assertFails(engine.range(allAt(4).build()), EtcdError.COMPACTED);
        assertThat(keys(range(engine, allAt(5)))).containsExactly("a");
        assertThat(range(engine, allAt(5)).getKvs(0).getValue().toStringUtf8()).isEqualTo("2");
        assertThat(engine.header().getRevision()).isEqualTo(6);
    }

    @Test
    void revisionSurvivesCompactingEverything() {
        put(engine, "x", "1");
        delete(engine, "x");
        compact(3, true);
        engine.close();

        engine = LocalEngine.open(EngineTestSupport.config(dir), clock);

        assertThat(engine.header().getRevision()).as("the compacted revision bounds the current one").isEqualTo(3);
        assertThat(put(engine, "x", "2").getHeader().getRevision()).isEqualTo(4);
        assertThat(get(engine, "x").getCreateRevision()).isEqualTo(4);
    }

    @Test
    void keysWrittenAfterCompactionKeepTheirHistory() {
        writeHistory();
        compact(6, true);

        put(engine, "a", "4");
        put(engine, "b", "2");

        assertThat(range(engine, allAt(6)).getKvs(0).getValue().toStringUtf8()).isEqualTo("3");
        assertThat(keys(range(engine, allAt(8)))).containsExactly("a", "b");
        assertThat(get(engine, "b").getVersion()).isEqualTo(1);
        assertThat(get(engine, "a").getVersion()).isEqualTo(4);
    }

    @Test
    void newStoreAcceptsCompactAtZeroOnce() {
        assertThat(compact(0, false).getHeader().getRevision()).isEqualTo(1);

        assertFails(engine.compact(CompactionRequest.newBuilder().setRevision(0).build()), EtcdError.COMPACTED);
        assertThat(engine.compactedRevision()).isZero();
        assertThat(compact(1, false).getHeader().getRevision()).isEqualTo(1);
    }
}
