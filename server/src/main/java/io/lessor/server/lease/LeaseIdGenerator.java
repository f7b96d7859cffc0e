package io.lessor.server.lease;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes lease ids the way etcd's id generator does: from the high bits down, the low 16 bits of
 * the member id, the low 40 bits of the wall-clock time in milliseconds when the generator was
 * made, and an 8-bit counter that carries over into the time bits. The top bit is cleared, so
 * ids are never negative. An id may still be 0, or collide with an id a client chose, so the
 * caller skips both.
 *
 * <p>Thread-safety: {@link #next()} may be called from any thread.
 */
public final class LeaseIdGenerator {

    private static final int COUNTER_BITS = 8;
    private static final int TIME_BITS = 40;
    private static final int SUFFIX_BITS = COUNTER_BITS + TIME_BITS;
    private static final long SUFFIX_MASK = (1L << SUFFIX_BITS) - 1;

    private final long prefix;
    private final AtomicLong suffix;

    /** Creates a generator for {@code memberId} started at {@code startMillis} (wall-clock ms). */
    public LeaseIdGenerator(long memberId, long startMillis) {
        this.prefix = (memberId & 0xffff) << SUFFIX_BITS;
        this.suffix = new AtomicLong((startMillis & ((1L << TIME_BITS) - 1)) << COUNTER_BITS);
    }

    /** Returns the next id: non-negative, and 0 only on wrap-around. */
    public long next() {
        long counter = suffix.incrementAndGet();
        return (prefix | (counter & SUFFIX_MASK)) & Long.MAX_VALUE;
    }
}
