package io.lessor.bench.load;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The kinds of load that {@code lessor bench} generates, by their command-line names. */
enum Workload {
    PUT("put"),
    RANGE("range"),
    TXN("txn"),
    LEASE_GRANT("lease-grant"),
    LEASE_KEEPALIVE("lease-keepalive"),
    LEASE_REVOKE("lease-revoke"),
    EXPIRY_STORM("expiry-storm"),
    SCALE("scale");

    private final String commandName;

    Workload(String commandName) {
        this.commandName = commandName;
    }

    /** Returns the name on the command line, such as {@code lease-grant}. */
    String commandName() {
        return commandName;
    }

    /** Returns the workload named {@code name} on the command line, if there is one. */
    static Optional<Workload> byName(String name) {
        return Arrays.stream(values()).filter(w -> w.commandName.equals(name)).findFirst();
    }

    /** Returns every command-line name, separated by commas. */
    static String allNames() {
        return Arrays.stream(values()).map(Workload::commandName).collect(Collectors.joining(", "));
    }

    /**
     * Returns whether the measured phase is a stream of requests from closed-loop clients, so
     * that {@code --warmup} can run the same stream first and discard it. lease-revoke would use
     * up its lease pool, and expiry-storm and scale measure one event each.
     */
    boolean supportsWarmup() {
        return switch (this) {
            case PUT, RANGE, TXN, LEASE_GRANT, LEASE_KEEPALIVE -> true;
            case LEASE_REVOKE, EXPIRY_STORM, SCALE -> false;
        };
    }

    /**
     * Returns whether {@code --total} and {@code --duration} set the length of the run. The
     * expiry storm lasts until every key is gone, and scale grants {@code --leases} leases.
     */
    boolean takesRequestLimit() {
        return this != EXPIRY_STORM && this != SCALE;
    }

    @Override
    public String toString() {
        return commandName;
    }
}
