package io.lessor.client.lease;

import java.time.Duration;
import java.util.Objects;

/**
 * Timing and buffer limits of the keep-alive loops. {@link #defaults()} follows etcd's Go client
 * where it has a value.
 *
 * @param sendPeriod how often the send loop looks for leases due for renewal (default 500 ms, as
 *     etcd's Go client). A lease is renewed a third of its TTL after the renewal that last got a
 *     response was sent, rounded up to this period
 * @param deadlinePeriod how often the deadline loop looks for leases not renewed within their
 *     TTL (default 500 ms)
 * @param bufferSize the maximum of responses a subscription holds for its reader (default 16,
 *     as etcd's Go client). When it is full, further responses are dropped and counted
 * @param firstResponseTimeout how long a new keep-alive waits for its first response before it
 *     ends as expired (default 5 s, etcd's Go client's value when no dial timeout is set)
 * @param minRetryBackoff the wait before the first attempt to reopen a broken stream (default
 *     500 ms, as etcd's Go client waits)
 * @param maxRetryBackoff the longest wait between attempts; each failed attempt doubles the wait
 *     up to this (default 4 s)
 */
public record KeepAliveConfig(
        Duration sendPeriod,
        Duration deadlinePeriod,
        int bufferSize,
        Duration firstResponseTimeout,
        Duration minRetryBackoff,
        Duration maxRetryBackoff) {

    /** Validates the limits. */
    public KeepAliveConfig {
        requirePositive(sendPeriod, "sendPeriod");
        requirePositive(deadlinePeriod, "deadlinePeriod");
        requirePositive(firstResponseTimeout, "firstResponseTimeout");
        requirePositive(minRetryBackoff, "minRetryBackoff");
        requirePositive(maxRetryBackoff, "maxRetryBackoff");
        if (bufferSize < 1) {
            throw new IllegalArgumentException("keep-alive bufferSize must be at least 1, got " + bufferSize);
        }
        if (maxRetryBackoff.compareTo(minRetryBackoff) < 0) {
            throw new IllegalArgumentException("keep-alive maxRetryBackoff " + maxRetryBackoff
                    + " must not be shorter than minRetryBackoff " + minRetryBackoff);
        }
    }

    /** Returns the defaults listed on the record's components. */
    public static KeepAliveConfig defaults() {
        return new KeepAliveConfig(Duration.ofMillis(500), Duration.ofMillis(500), 16, Duration.ofSeconds(5),
                Duration.ofMillis(500), Duration.ofSeconds(4));
    }

    /** Returns a copy with {@code bufferSize} responses buffered per subscription. */
    public KeepAliveConfig withBufferSize(int bufferSize) {
        return new KeepAliveConfig(sendPeriod, deadlinePeriod, bufferSize, firstResponseTimeout, minRetryBackoff,
                maxRetryBackoff);
    }

    /** Returns a copy with the given first-response timeout. */
    public KeepAliveConfig withFirstResponseTimeout(Duration timeout) {
        return new KeepAliveConfig(sendPeriod, deadlinePeriod, bufferSize, timeout, minRetryBackoff, maxRetryBackoff);
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("keep-alive " + name + " must be positive, got " + value);
        }
    }
}
