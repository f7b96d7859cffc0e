package io.lessor.client;

/** The two servers every client test runs against. */
enum Server {
    /** A real etcd 3.4, started from the {@code etcd} binary. */
    ETCD,
    /** Lessor's server, in the test's JVM. */
    LESSOR
}
