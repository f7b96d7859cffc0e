package io.lessor.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The size that the quota and Status count: the same data has the same size wherever it is. */
class StorageSizeTest {

    private static final int RECORDS = 200;
    private static final int VALUE_BYTES = 10_000;

    @TempDir
    Path dir;

    @Test
    void compressibleDataKeepsItsSize() {
        long inMemtables;
        long inTables;
        try (Storage storage = Storage.open(dir)) {
            writeCompressibleRecords(storage);
            inMemtables = storage.sizeBytes();
            storage.compactAll();
            inTables = storage.sizeBytes();
        }
        long afterRestart;
        long liveAfterRestart;
        try (Storage storage = Storage.open(dir)) {
            afterRestart = storage.sizeBytes();
            liveAfterRestart = storage.liveDataSizeBytes();
        }

        // RocksDB estimates the memtables' bytes from a sample, so they may read a little low.
        long data = (long) RECORDS * VALUE_BYTES;
        assertThat(inMemtables).as("size while in memtables").isBetween(data * 3 / 4, data * 5 / 4);
        assertThat(inTables).as("size once flushed to compressed table files").isBetween(data, data * 5 / 4);
        assertThat(afterRestart).as("size after a restart").isEqualTo(inTables);
        assertThat(liveAfterRestart).as("live data, every record being live").isBetween(data * 3 / 4, afterRestart);
    }

    /** Writes values of one repeated byte, which RocksDB's compression shrinks a hundredfold. */
    private static void writeCompressibleRecords(Storage storage) {
        byte[] value = new byte[VALUE_BYTES];
        Arrays.fill(value, (byte) 'x');
        for (int i = 0; i < RECORDS; i++) {
            try (StorageBatch batch = storage.newBatch()) {
                batch.putKv(KvCodec.revisionKey(i + 1, 0), value);
                storage.commit(batch);
            }
        }
    }
}
