package io.lessor.server.storage;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Changes to {@link Storage} collected in memory until {@link Storage#commit(StorageBatch)}
 * writes them all at once.
 *
 * <p>Thread-safety: none; one thread fills a batch, then commits and closes it.
 */
public final class StorageBatch implements AutoCloseable {

    private final ColumnFamilyHandle kv;
    private final ColumnFamilyHandle lease;
    private final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle alarm;
    private final WriteBatch batch = new WriteBatch();

    StorageBatch(ColumnFamilyHandle kv, ColumnFamilyHandle lease, ColumnFamilyHandle meta, ColumnFamilyHandle alarm) {
        this.kv = kv;
        this.lease = lease;
        this.meta = meta;
        this.alarm = alarm;
    }

    /** Adds a kv record: a revision key from {@link KvCodec#revisionKey} and an encoded value. */
    public void putKv(byte[] revisionKey, byte[] value) {
        apply(() -> batch.put(kv, revisionKey, value));
    }

    /** Removes the kv record at a revision key. */
    public void deleteKv(byte[] revisionKey) {
        apply(() -> batch.delete(kv, revisionKey));
    }

    /** Adds or replaces the record of a lease. */
    public void putLease(long leaseId, long ttlSeconds) {
        byte[] value = new byte[16];
        KvCodec.putLong(value, 0, leaseId);
        KvCodec.putLong(value, 8, ttlSeconds);
        apply(() -> batch.put(lease, KvCodec.longBytes(leaseId), value));
    }

    /** Removes the record of a lease. */
    public void deleteLease(long leaseId) {
        apply(() -> batch.delete(lease, KvCodec.longBytes(leaseId)));
    }

    /** Sets a meta value. */
    public void putMeta(MetaKey key, long value) {
        apply(() -> batch.put(meta, key.bytes(), KvCodec.longBytes(value)));
    }

    /** Adds the record of an active alarm. */
    public void putAlarm(long memberId, int alarmType) {
        apply(() -> batch.put(alarm, alarmKey(memberId, alarmType), new byte[0]));
    }

    /** Removes the record of an alarm. */
    public void deleteAlarm(long memberId, int alarmType) {
        apply(() -> batch.delete(alarm, alarmKey(memberId, alarmType)));
    }

    private static byte[] alarmKey(long memberId, int alarmType) {
        byte[] key = new byte[12];
        KvCodec.putLong(key, 0, memberId);
        KvCodec.putInt(key, 8, alarmType);
        return key;
    }

    /** Returns how many changes the batch holds. */
    public int count() {
        return batch.count();
    }

    WriteBatch writeBatch() {
        return batch;
    }

    @Override
    public void close() {
        batch.close();
    }

    private interface BatchOp {
        void run() throws RocksDBException;
    }

    private static void apply(BatchOp op) {
        try {
            op.run();
        } catch (RocksDBException e) {
            // A WriteBatch only buffers in memory, so a failure here is not an I/O error.
            throw new IllegalStateException("adding to a RocksDB write batch failed: " + e.getMessage(), e);
        }
    }
}
