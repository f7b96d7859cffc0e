package io.lessor.server.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.lessor.api.KeyValue;
import io.lessor.server.EtcdError;
import io.lessor.server.EtcdException;
import io.lessor.server.storage.Storage;
import io.lessor.server.storage.StorageBatch;
import java.nio.file.Path;
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
}
