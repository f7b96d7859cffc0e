package io.lessor.server.storage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.Range;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Slice;
import org.rocksdb.RocksIterator;
import org.rocksdb.TableProperties;
import org.rocksdb.WriteOptions;

/**
 * The server's durable state in one RocksDB database with four column families:
 *
 * <ul>
 *   <li>{@code kv}: every revision of every key, laid out by {@link KvCodec};
 *   <li>{@code lease}: one record per lease, 8-byte big-endian id to 8-byte id and 8-byte
 *       granted TTL in seconds;
 *   <li>{@code meta}: named 8-byte values ({@link MetaKey});
 *   <li>{@code alarm}: one empty record per active alarm, keyed by the 8-byte big-endian member
 *       id and the 4-byte big-endian alarm type.
 * </ul>
 *
 * <p>All changes go through a {@link StorageBatch} that {@link #commit(StorageBatch)} writes
 * atomically and syncs to disk before it returns, so a crash keeps a whole batch or none of it.
 *
 * <p>Thread-safety: reads may run on any thread, concurrently with a commit. {@link #close()}
 * waits for reads in progress and makes later reads fail with {@link IllegalStateException};
 * the caller stops committing before it closes.
 */
public final class Storage implements AutoCloseable {

    private static final byte[] KV_FAMILY = "kv".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LEASE_FAMILY = "lease".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] META_FAMILY = "meta".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ALARM_FAMILY = "alarm".getBytes(StandardCharsets.US_ASCII);

    static {
        RocksDB.loadLibrary();
    }

    private final Path directory;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions familyOptions;
    private final List<ColumnFamilyHandle> handles;
    private final RocksDB db;
    private final ColumnFamilyHandle kv;
    private final ColumnFamilyHandle lease;
    private final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle alarm;
    private final List<ColumnFamilyHandle> dataFamilies;
    private final WriteOptions syncWrites;
    // A key above every key the data families hold: their keys are shorter, or start lower.
    private static final byte[] BEYOND_EVERY_KEY = filledWith((byte) 0xff, 64);

    // Counts commits and compactions. A size sample taken at an older count is stale, and the
    // count is read before the size is, so a sample racing with a commit is never kept as fresh.
    private final AtomicLong sizeGeneration = new AtomicLong();
    private volatile SizeSample lastSize;
    private volatile TableSample lastTables;

    // Reads in progress, plus a closed flag in the sign bit: close() waits for the count to drain
    // so that no read touches a freed native handle.
    private static final int CLOSED = Integer.MIN_VALUE;
    private final AtomicInteger readers = new AtomicInteger();

    private Storage(Path directory, DBOptions dbOptions, ColumnFamilyOptions familyOptions,
            List<ColumnFamilyHandle> handles, RocksDB db) {
        this.directory = directory;
        this.dbOptions = dbOptions;
        this.familyOptions = familyOptions;
        this.handles = handles;
        this.db = db;
        this.kv = handles.get(1);
        this.lease = handles.get(2);
        this.meta = handles.get(3);
        this.alarm = handles.get(4);
        this.dataFamilies = List.of(kv, lease, meta, alarm);
        this.syncWrites = new WriteOptions().setSync(true);
    }

    /**
     * Opens the database in {@code directory}, creating it and its column families if missing.
     *
     * @throws UncheckedIOException if the directory cannot be created or RocksDB cannot open it
     */
    public static Storage open(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + directory, e);
        }
        DBOptions dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        ColumnFamilyOptions familyOptions = new ColumnFamilyOptions();
        List<ColumnFamilyDescriptor> families = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions),
                new ColumnFamilyDescriptor(KV_FAMILY, familyOptions),
                new ColumnFamilyDescriptor(LEASE_FAMILY, familyOptions),
                new ColumnFamilyDescriptor(META_FAMILY, familyOptions),
                new ColumnFamilyDescriptor(ALARM_FAMILY, familyOptions));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            RocksDB db = RocksDB.open(dbOptions, directory.toString(), families, handles);
            return new Storage(directory, dbOptions, familyOptions, handles, db);
        } catch (RocksDBException e) {
            familyOptions.close();
            dbOptions.close();
            throw new UncheckedIOException(new IOException("cannot open RocksDB in " + directory + ": " + e.getMessage(), e));
        }
    }

    /** Returns a new empty batch; the caller commits or closes it. */
    public StorageBatch newBatch() {
        return new StorageBatch(kv, lease, meta, alarm);
    }

    /**
     * Writes {@code batch} atomically and syncs it to disk.
     *
     * @throws UncheckedIOException if RocksDB fails; the batch may or may not be on disk then,
     *     and the caller must stop writing
     */
    public void commit(StorageBatch batch) {
        try {
            db.write(syncWrites, batch.writeBatch());
            sizeGeneration.incrementAndGet();
        } catch (RocksDBException e) {
            throw new UncheckedIOException(new IOException("RocksDB write in " + directory + " failed: " + e.getMessage(), e));
        }
    }

    /** Returns the encoded kv record stored at a revision key, or {@code null} if there is none. */
    public byte[] getKv(byte[] revisionKey) {
        enterRead();
        try {
            return db.get(kv, revisionKey);
        } catch (RocksDBException e) {
            throw new UncheckedIOException(new IOException("RocksDB read in " + directory + " failed: " + e.getMessage(), e));
        } finally {
            readers.decrementAndGet();
        }
    }

    /**
     * Calls {@code action} with the key and value of each kv record from {@code fromRevisionKey}
     * on, in revision order, until it returns {@code false}.
     */
    public void scanKv(byte[] fromRevisionKey, BiPredicate<byte[], byte[]> action) {
        enterRead();
        try (RocksIterator it = db.newIterator(kv)) {
            for (it.seek(fromRevisionKey); it.isValid(); it.next()) {
                if (!action.test(it.key(), it.value())) {
                    return;
                }
            }
            try {
                it.status();
            } catch (RocksDBException e) {
                throw new UncheckedIOException(new IOException("RocksDB scan in " + directory + " failed: " + e.getMessage(), e));
            }
        } finally {
            readers.decrementAndGet();
        }
    }

    /** Calls {@code action} with the key and value of every kv record, in revision order. */
    public void forEachKv(BiConsumer<byte[], byte[]> action) {
        forEach(kv, action);
    }

    /** Calls {@code action} with the id and granted TTL in seconds of every stored lease. */
    public void forEachLease(LeaseRecordConsumer action) {
        forEach(lease, (key, value) -> action.accept(KvCodec.getLong(value, 0), KvCodec.getLong(value, 8)));
    }

    /** Receives one stored lease. */
    @FunctionalInterface
    public interface LeaseRecordConsumer {
        void accept(long leaseId, long ttlSeconds);
    }

    /** Calls {@code action} with the member id and alarm type number of every stored alarm. */
    public void forEachAlarm(AlarmRecordConsumer action) {
        forEach(alarm, (key, value) -> action.accept(KvCodec.getLong(key, 0), KvCodec.getInt(key, 8)));
    }

    /** Receives one stored alarm. */
    @FunctionalInterface
    public interface AlarmRecordConsumer {
        void accept(long memberId, int alarmType);
    }

    /** Returns a meta value, or empty if it was never written. */
    public OptionalLong getMeta(MetaKey key) {
        enterRead();
        try {
            byte[] value = db.get(meta, key.bytes());
            return value == null ? OptionalLong.empty() : OptionalLong.of(KvCodec.getLong(value, 0));
        } catch (RocksDBException e) {
            throw new UncheckedIOException(new IOException("RocksDB read in " + directory + " failed: " + e.getMessage(), e));
        } finally {
            readers.decrementAndGet();
        }
    }

    /**
     * Returns the size of the database in bytes: the records in its table files and in its
     * memtables, uncompressed, as RocksDB counts them. Uncompressed, because the table files are
     * compressed and the memtables are not, so the size of the same data would drop when a
     * memtable is flushed, and a quota would admit more after a restart. etcd's bbolt file is not
     * compressed either. The memtables count by the records they hold, not by the arena blocks
     * they have allocated, which start at about 1 MB and would make a small quota reject writes
     * long before etcd does. The value is computed again only after a commit or a
     * {@link #compactAll() compaction}, so calling it for every request is cheap. RocksDB's own
     * background compactions show only from the next commit on.
     */
    public long sizeBytes() {
        long generation = sizeGeneration.get();
        SizeSample sample = lastSize;
        if (sample != null && sample.generation() == generation) {
            return sample.bytes();
        }
        long bytes = tableRecordBytes() + memTableDataBytes();
        lastSize = new SizeSample(generation, bytes);
        return bytes;
    }

    private record SizeSample(long generation, long bytes) {
    }

    /**
     * Returns the uncompressed bytes of the keys and values in the table files. Reading every
     * file's properties costs more than a commit should, so the sum is kept until the files'
     * size on disk changes, which a flush or a compaction does.
     */
    private long tableRecordBytes() {
        long filesBytes = longProperty("rocksdb.total-sst-files-size");
        TableSample sample = lastTables;
        if (sample != null && sample.filesBytes() == filesBytes) {
            return sample.recordBytes();
        }
        enterRead();
        try {
            long recordBytes = 0;
            for (ColumnFamilyHandle handle : dataFamilies) {
                for (TableProperties table : db.getPropertiesOfAllTables(handle).values()) {
                    recordBytes += table.getRawKeySize() + table.getRawValueSize();
                }
            }
            lastTables = new TableSample(filesBytes, recordBytes);
            return recordBytes;
        } catch (RocksDBException e) {
            // The compressed size is a lower bound, and the next call tries again.
            return filesBytes;
        } finally {
            readers.decrementAndGet();
        }
    }

    private record TableSample(long filesBytes, long recordBytes) {
    }

    /**
     * Flushes the memtables and compacts every column family completely, so that deleted and
     * overwritten records stop taking space. It is Lessor's counterpart of etcd's defragment and
     * may take long on a large database. Writes may continue meanwhile.
     *
     * @throws UncheckedIOException if RocksDB fails
     */
    public void compactAll() {
        enterRead();
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush, dataFamilies);
            for (ColumnFamilyHandle handle : dataFamilies) {
                db.compactRange(handle);
            }
        } catch (RocksDBException e) {
            throw new UncheckedIOException(new IOException("RocksDB compaction in " + directory + " failed: " + e.getMessage(), e));
        } finally {
            sizeGeneration.incrementAndGet();
            readers.decrementAndGet();
        }
    }

    /**
     * Returns an estimate of the part of {@link #sizeBytes()} that is live data, measured the
     * same way, uncompressed. RocksDB estimates the live bytes of the table files compressed, so
     * the estimate is scaled by the table files' ratio of record bytes to file bytes.
     */
    public long liveDataSizeBytes() {
        long liveFileBytes = longProperty("rocksdb.estimate-live-data-size");
        long fileBytes = longProperty("rocksdb.total-sst-files-size");
        long liveRecordBytes = fileBytes <= 0 ? 0 : (long) ((double) liveFileBytes * tableRecordBytes() / fileBytes);
        return Math.min(liveRecordBytes + memTableDataBytes(), sizeBytes());
    }

    /** Returns RocksDB's estimate of the bytes of the records in the memtables of the data families. */
    private long memTableDataBytes() {
        enterRead();
        try (Slice first = new Slice(new byte[0]); Slice limit = new Slice(BEYOND_EVERY_KEY)) {
            Range everything = new Range(first, limit);
            long total = 0;
            for (ColumnFamilyHandle handle : dataFamilies) {
                total += db.getApproximateMemTableStats(handle, everything).size;
            }
            return total;
        } finally {
            readers.decrementAndGet();
        }
    }

    private long longProperty(String name) {
        enterRead();
        try {
            long total = 0;
            for (ColumnFamilyHandle handle : dataFamilies) {
                total += db.getLongProperty(handle, name);
            }
            return total;
        } catch (RocksDBException e) {
            return 0;
        } finally {
            readers.decrementAndGet();
        }
    }

    private void forEach(ColumnFamilyHandle family, BiConsumer<byte[], byte[]> action) {
        enterRead();
        try (RocksIterator it = db.newIterator(family)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                action.accept(it.key(), it.value());
            }
            try {
                it.status();
            } catch (RocksDBException e) {
                throw new UncheckedIOException(new IOException("RocksDB scan in " + directory + " failed: " + e.getMessage(), e));
            }
        } finally {
            readers.decrementAndGet();
        }
    }

    private void enterRead() {
        if (readers.incrementAndGet() < 0) {
            readers.decrementAndGet();
            throw new IllegalStateException("storage in " + directory + " is closed");
        }
    }

    /** Waits for reads in progress, then closes the database. Calling it again does nothing. */
    @Override
    public void close() {
        int current;
        do {
            current = readers.get();
            if (current < 0) {
                return;
            }
        } while (!readers.compareAndSet(current, current + CLOSED));
        while (readers.get() != CLOSED) {
            Thread.onSpinWait();
        }
        syncWrites.close();
        for (ColumnFamilyHandle handle : handles) {
            handle.close();
        }
        db.close();
        familyOptions.close();
        dbOptions.close();
    }

    private static byte[] filledWith(byte value, int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, value);
        return bytes;
    }
}
