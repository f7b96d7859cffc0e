package io.lessor.bench.load;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies and failures of one stream of requests. Any thread may record; one reader at a time
 * takes {@linkplain #takeInterval() the latencies since its last call} for a progress line, and
 * everything taken so far adds up in {@link #total()}.
 *
 * <p>Latencies are kept in nanoseconds with three significant digits, up to
 * {@link #HIGHEST_NANOS}; a longer one is recorded as that maximum.
 *
 * <p>A recorder may skip requests sent before {@link #recordFrom(long)}: the expiry storm counts
 * only puts sent once the leases start to expire.
 */
final class LatencyRecorder {

    /** The maximum latency the histogram resolves, ten minutes; a longer one is recorded as this maximum. */
    static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(10);

    private static final int SIGNIFICANT_DIGITS = 3;

    private final Recorder recorder = new Recorder(HIGHEST_NANOS, SIGNIFICANT_DIGITS);
    private final LongAdder errorCount = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> errorsByKind = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> firstErrorByKind = new ConcurrentHashMap<>();
    private final LongAdder skipped = new LongAdder();
    private volatile long recordFromNanos;
    private volatile boolean recordAll = true;

    private final ReentrantLock readLock = new ReentrantLock();
    // @GuardedBy("readLock")
    private final Histogram total = new Histogram(HIGHEST_NANOS, SIGNIFICANT_DIGITS);
    // @GuardedBy("readLock")
    private Histogram interval;

    /** Records a request that was sent at {@code sentNanos} and whose response arrived at {@code responseNanos}. */
    void recordSuccess(long sentNanos, long responseNanos) {
        if (!recordAll && sentNanos - recordFromNanos < 0) {
            skipped.increment();
            return;
        }
        recorder.recordValue(Math.min(Math.max(responseNanos - sentNanos, 0), HIGHEST_NANOS));
    }

    /**
     * Counts a failed request under its gRPC status code, as {@link UnexpectedResponseException#KIND},
     * or under the exception's class.
     */
    void recordError(Throwable error) {
        String kind;
        if (error instanceof StatusRuntimeException || error instanceof StatusException) {
            kind = Status.fromThrowable(error).getCode().name();
        } else if (error instanceof UnexpectedResponseException) {
            kind = UnexpectedResponseException.KIND;
        } else {
            kind = error.getClass().getSimpleName();
        }
        errorCount.increment();
        errorsByKind.computeIfAbsent(kind, k -> new LongAdder()).increment();
        firstErrorByKind.putIfAbsent(kind, String.valueOf(error.getMessage()));
    }

    /** Records successes only of requests sent at or after {@code nanos} (a {@link System#nanoTime()}). */
    void recordFrom(long nanos) {
        recordFromNanos = nanos;
        recordAll = false;
    }

    /** Returns the number of failed requests so far. */
    long errors() {
        return errorCount.sum();
    }

    /** Returns the number of failed requests by kind, such as {@code UNAVAILABLE}, sorted by kind. */
    Map<String, Long> errorsByKind() {
        Map<String, Long> counts = new TreeMap<>();
        errorsByKind.forEach((kind, count) -> counts.put(kind, count.sum()));
        return counts;
    }

    /** Returns the message of the first failure of each kind, sorted by kind. */
    Map<String, String> firstErrors() {
        return new TreeMap<>(firstErrorByKind);
    }

    /** Returns how many successful requests were left out because they were sent before {@link #recordFrom}. */
    long skipped() {
        return skipped.sum();
    }

    /** Returns the latencies recorded since the last call, and adds them to {@link #total()}. */
    Histogram takeInterval() {
        readLock.lock();
        try {
            interval = recorder.getIntervalHistogram(interval);
            total.add(interval);
            // A copy, because the next call, maybe on another thread, recycles the interval.
            return interval.copy();
        } finally {
            readLock.unlock();
        }
    }

    /** Returns a copy of every latency taken by {@link #takeInterval()} so far. */
    Histogram total() {
        readLock.lock();
        try {
            return total.copy();
        } finally {
            readLock.unlock();
        }
    }
}
