package io.lessor.bench.keepalive;

import java.util.Locale;

/** The clients that the harness compares. */
enum ClientKind {

    /** Lessor's client, {@code io.lessor.client.Client}. */
    LESSOR,

    /** jetcd's client, {@code io.etcd.jetcd.Client}, in the version the bench module depends on. */
    JETCD;

    /** Builds a client of this kind, connected to {@code endpoint} ({@code http://host:port}). */
    ClientUnderTest connect(String endpoint) {
        return switch (this) {
            case LESSOR -> new LessorClientUnderTest(endpoint);
            case JETCD -> new JetcdClientUnderTest(endpoint);
        };
    }

    /** Returns the name used on the command line and in the results. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a command-line name.
     *
     * @throws IllegalArgumentException if {@code name} is neither {@code lessor} nor {@code jetcd}
     */
    static ClientKind parse(String name) {
        for (ClientKind kind : values()) {
            if (kind.label().equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("invalid --client " + name + ": expected lessor or jetcd");
    }
}
