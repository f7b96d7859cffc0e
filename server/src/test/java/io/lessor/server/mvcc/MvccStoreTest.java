package io.lessor.server.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.lessor.api.Event;
import io.lessor.api.KeyValue;
import io.lessor.server.EtcdError;
import io.lessor.server.EtcdException;
import io.lessor.server.storage.Storage;
import io.lessor.server.storage.StorageBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MvccStoreTest {

    private static final ByteString ALL = ByteString.copyFromUtf8("\0");

    @TempDir
    Path dir;

    private Storage storage;
    private MvccStore store;

    @BeforeEach
    void open() {
        storage = Storage.open(dir);
        store = MvccStore.restore(storage);
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private static ByteString key(String s) {
        return ByteString.copyFromUtf8(s);
    }

    /** Runs one write transaction and commits it, without publishing. */
    private void writeUnpublished(Consumer<WriteTxn> body) {
        try (StorageBatch batch = storage.newBatch()) {
            WriteTxn txn = store.beginWrite(batch);
            body.accept(txn);
            txn.end();
            storage.commit(batch);
        }
    }

    private void write(Consumer<WriteTxn> body) {
        writeUnpublished(body);
        store.publish();
    }

    private List<KeyValue> readAll(long revision) {
        return store.readView().range(ALL, ALL, revision, 0, false).kvs();
    }

    @Test
    void readersSeeOnlyPublishedRevisions() {
        write(txn -> txn.put(key("a"), key("1"), 0));

        writeUnpublished(txn -> txn.put(key("a"), key("2"), 0));
        writeUnpublished(txn -> txn.put(key("b"), key("1"), 0));

        assertThat(store.revision()).isEqualTo(2);
        assertThat(store.writerRevision()).isEqualTo(4);
        assertThat(readAll(0)).extracting(kv -> kv.getValue().toStringUtf8()).containsExactly("1");
        assertThat(catchThrowableOfType(EtcdException.class, () -> readAll(3)).error())
                .isEqualTo(EtcdError.FUTURE_REVISION);

        store.publish();
        assertThat(readAll(0)).extracting(kv -> kv.getValue().toStringUtf8()).containsExactly("2", "1");
    }

    @Test
    void txnSharesOneRevisionWithSubRevisions() {
        write(txn -> {
            txn.put(key("b"), key("1"), 0);
            txn.put(key("a"), key("1"), 0);
            txn.deleteRange(key("b"), ByteString.EMPTY);
        });

        assertThat(store.revision()).isEqualTo(2);
        assertThat(readAll(0)).extracting(KeyValue::getModRevision).containsExactly(2L);
    }

    @Test
    void oldValuesAreReadFromStorage() {
        for (int i = 1; i <= 5; i++) {
            String value = "v" + i;
            write(txn -> txn.put(key("k"), key(value), 0));
        }

        for (int revision = 2; revision <= 6; revision++) {
            assertThat(readAll(revision).get(0).getValue().toStringUtf8()).isEqualTo("v" + (revision - 1));
        }
        KeyHistory history = store.history(key("k"));
        assertThat(history.head().kv).isNotNull();
        assertThat(history.head().next.kv).as("the value below the head stays in memory").isNotNull();
        assertThat(history.head().next.next.kv).as("older values are dropped from memory").isNull();
    }

    @Test
    void largeValueLeavesMemoryOnceDurable() {
        ByteString large = ByteString.copyFrom(new byte[KeyHistory.KeyRevision.MAX_IN_MEMORY_VALUE_BYTES + 1]);
        ByteString small = ByteString.copyFrom(new byte[KeyHistory.KeyRevision.MAX_IN_MEMORY_VALUE_BYTES]);

        writeUnpublished(txn -> txn.put(key("big"), large, 9));
        KeyHistory.KeyRevision head = store.history(key("big")).head();
        assertThat(head.heldValue()).as("not durable yet, so memory holds it").isNotNull();
        store.publish();
        write(txn -> txn.put(key("small"), small, 0));

        assertThat(head.heldValue()).isNull();
        assertThat(head.kv.getValue().isEmpty()).isTrue();
        assertThat(head.kv.getLease()).as("the metadata stays in memory").isEqualTo(9L);
        assertThat(store.history(key("small")).head().heldValue()).isNotNull();
        assertThat(readAll(0)).extracting(KeyValue::getValue).containsExactly(large, small);
    }

    @Test
    void largeValueIsWholeInPrevValues() {
        ByteString large = ByteString.copyFromUtf8("x".repeat(10_000));
        write(txn -> txn.put(key("k"), large, 0));

        Change[] overwrite = new Change[1];
        List<KeyValue> deleted = new ArrayList<>();
        write(txn -> {
            txn.put(key("k"), key("small"), 0);
            overwrite[0] = txn.changes().get(0);
        });
        write(txn -> txn.put(key("k"), large, 0));
        write(txn -> deleted.addAll(txn.deleteRange(key("k"), ByteString.EMPTY, true)));

        assertThat(overwrite[0].prevValueInStorage()).as("the overwritten value is not read").isTrue();
        assertThat(overwrite[0].prevKv().getVersion()).isEqualTo(1);
        assertThat(store.storedValue(overwrite[0].prevKv().getModRevision(), overwrite[0].prevSubRevision()).getValue())
                .isEqualTo(large);
        assertThat(deleted).extracting(KeyValue::getValue).containsExactly(large);
        assertThat(deleted.get(0).getVersion()).isEqualTo(3);
    }

    @Test
    void deleteWithoutPrevValuesReadsNone() {
        ByteString large = ByteString.copyFromUtf8("z".repeat(1_000));
        write(txn -> txn.put(key("k/1"), large, 4));
        write(txn -> txn.put(key("k/2"), large, 0));
        List<KeyValue> deleted = new ArrayList<>();
        List<Change> changes = new ArrayList<>();

        write(txn -> {
            deleted.addAll(txn.deleteRange(key("k/"), key("k0"), false));
            changes.addAll(txn.changes());
        });

        assertThat(deleted).extracting(kv -> kv.getKey().toStringUtf8()).containsExactly("k/1", "k/2");
        assertThat(deleted).extracting(KeyValue::getLease).containsExactly(4L, 0L);
        assertThat(deleted).allMatch(kv -> kv.getValue().isEmpty());
        assertThat(changes).allMatch(Change::prevValueInStorage);
    }

    @Test
    void keysOnlyRangeReadsNoValue() {
        ByteString large = ByteString.copyFromUtf8("w".repeat(1_000));
        write(txn -> txn.put(key("k"), large, 0));

        List<KeyValue> keys = store.readView().range(ALL, ALL, 0, 0, false, true).kvs();

        assertThat(keys).extracting(kv -> kv.getKey().toStringUtf8()).containsExactly("k");
        assertThat(keys.get(0).getValue().isEmpty()).as("the value stays in storage").isTrue();
        assertThat(keys.get(0).getModRevision()).isEqualTo(2);
        assertThat(store.readView().range(ALL, ALL, 0, 0, false).kvs().get(0).getValue()).isEqualTo(large);
    }

    @Test
    void eventsCarryPrevValuesOnRequest() {
        ByteString large = ByteString.copyFromUtf8("v".repeat(1_000));
        write(txn -> txn.put(key("k"), large, 0));
        write(txn -> txn.deleteRange(key("k"), ByteString.EMPTY));

        Event withPrev = store.events(3, 3, 10, Long.MAX_VALUE, true).get(0).events().get(0);
        Event withoutPrev = store.events(3, 3, 10, Long.MAX_VALUE, false).get(0).events().get(0);

        assertThat(withPrev.getPrevKv().getValue()).isEqualTo(large);
        assertThat(withoutPrev.hasPrevKv()).isFalse();
        assertThat(store.events(2, 3, 10, 1_200, true)).as("the previous value counts against the bytes")
                .hasSize(2);
        assertThat(store.events(2, 3, 10, 900, true)).hasSize(1);
    }

    @Test
    void restoreKeepsLargeValuesInStorage() {
        ByteString large = ByteString.copyFromUtf8("y".repeat(1_000));
        write(txn -> txn.put(key("k"), large, 0));
        storage.close();

        storage = Storage.open(dir);
        store = MvccStore.restore(storage);

        assertThat(store.history(key("k")).head().heldValue()).isNull();
        assertThat(readAll(0)).extracting(KeyValue::getValue).containsExactly(large);
        write(txn -> assertThat(txn.get(key("k")).getValue()).isEqualTo(large));
    }

    @Test
    void restoreRebuildsTheIndex() {
        write(txn -> txn.put(key("a"), key("1"), 7));
        write(txn -> txn.put(key("b"), key("1"), 0));
        write(txn -> txn.deleteRange(key("a"), ByteString.EMPTY));
        write(txn -> txn.put(key("a"), key("2"), 0));
        storage.close();

        storage = Storage.open(dir);
        store = MvccStore.restore(storage);

        assertThat(store.revision()).isEqualTo(5);
        assertThat(readAll(0)).extracting(KeyValue::getCreateRevision).containsExactly(5L, 3L);
        assertThat(readAll(2)).extracting(KeyValue::getLease).containsExactly(7L);
        assertThat(readAll(4)).extracting(kv -> kv.getKey().toStringUtf8()).containsExactly("b");
    }

    @Test
    void readRacingACompactionFailsAsCompacted() {
        write(txn -> txn.put(key("a"), key("1"), 0));
        write(txn -> txn.put(key("a"), key("2"), 0));
        write(txn -> txn.put(key("a"), key("3"), 0));
        ReadView view = store.readView();

        try (StorageBatch batch = storage.newBatch()) {
            store.compact(4, batch);
            storage.commit(batch);
        }
        store.finishCompaction();

        assertThat(catchThrowableOfType(EtcdException.class, () -> view.range(ALL, ALL, 2, 0, false)).error())
                .isEqualTo(EtcdError.COMPACTED);
        assertThat(view.range(ALL, ALL, 4, 0, false).kvs()).extracting(kv -> kv.getValue().toStringUtf8())
                .containsExactly("3");
        assertThat(store.history(key("a")).head().next).isNull();
    }

    @Test
    void readBeforeCompactionPublishesFailsAsCompacted() {
        ByteString large = ByteString.copyFromUtf8("u".repeat(1_000));
        write(txn -> txn.put(key("a"), large, 0));
        write(txn -> txn.put(key("a"), key("small"), 0));
        ReadView view = store.readView();

        // The compaction's deletes are in storage, and finishCompaction has not run yet.
        try (StorageBatch batch = storage.newBatch()) {
            store.compact(3, batch);
            storage.commit(batch);
        }

        assertThat(catchThrowableOfType(EtcdException.class, () -> view.range(ALL, ALL, 2, 0, false)).error())
                .isEqualTo(EtcdError.COMPACTED);
    }
}
