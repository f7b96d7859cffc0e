package io.lessor.bench.keepalive;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings of one measurement.
 *
 * @param client the client to measure
 * @param endpoint the etcd v3 endpoint, {@code http://host:port}
 * @param leases how many leases to grant and keep alive
 * @param ttlSeconds the TTL each lease is granted with; a client renews it a third of that
 *     after each response
 * @param grantsInFlight the maximum of grant requests outstanding at once
 * @param ramp the time over which the keep-alives are started, evenly spread, so renewals
 *     arrive at a steady rate instead of in one burst per third of the TTL
 * @param settle the wait between the last lease's first response and the window
 * @param window the time over which threads, CPU and renewals are measured
 * @param afterClose the wait between the return of {@code close()} and the thread count
 * @param serverPid the process id of the server, whose CPU time in the window is reported, or
 *     0 when the server is not a local process
 */
record MeasurementConfig(
        ClientKind client,
        String endpoint,
        int leases,
        long ttlSeconds,
        int grantsInFlight,
        Duration ramp,
        Duration settle,
        Duration window,
        Duration afterClose,
        long serverPid) {

    /** Validates the settings. */
    MeasurementConfig {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(endpoint, "endpoint");
        if (leases < 1) {
            throw new IllegalArgumentException("invalid lease count " + leases + ": expected at least 1");
        }
        if (ttlSeconds < 1) {
            throw new IllegalArgumentException("invalid TTL " + ttlSeconds + " s: expected at least 1 s");
        }
        if (grantsInFlight < 1) {
            throw new IllegalArgumentException("invalid grants in flight " + grantsInFlight + ": expected at least 1");
        }
        requireNotNegative(ramp, "ramp");
        requireNotNegative(settle, "settle");
        requireNotNegative(afterClose, "afterClose");
        requireNotNegative(window, "window");
        if (window.isZero()) {
            throw new IllegalArgumentException("invalid window " + window + ": expected a positive duration");
        }
    }

    /** Returns the renewals per second that a client renewing every lease at TTL/3 produces. */
    double expectedRenewalsPerSecond() {
        return leases / (ttlSeconds / 3.0);
    }

    private static void requireNotNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException("invalid " + name + " " + value + ": expected zero or more");
        }
    }
}
