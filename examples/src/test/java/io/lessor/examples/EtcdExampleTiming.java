package io.lessor.examples;

import java.time.Duration;

/** Lease and wait times shared by the tests of the examples that talk to etcd. */
final class EtcdExampleTiming {

    /** The server's minimum TTL, which keeps the expiry and hand-over tests short. */
    static final long TTL_SECONDS = 2;

    /**
     * Maximum time a lease's key may outlive a process that stopped without revoking it. The
     * lease may have been renewed just before, so it lasts up to one TTL, plus a second for the
     * server's expiry check, the watch event and the next transaction.
     */
    static final Duration EXPIRY_WITHIN = Duration.ofSeconds(TTL_SECONDS + 1);

    /** Maximum wait for one step of a test, long enough for a child JVM to start and register. */
    static final Duration TEST_TIMEOUT = Duration.ofSeconds(30);

    /** The dial timeout of the tests whose server is down, short to keep them fast. */
    static final String DOWN_DIAL_TIMEOUT = "300ms";

    private EtcdExampleTiming() {
    }
}
