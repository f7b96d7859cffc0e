package io.lessor.client.lease;

import java.util.Comparator;

/**
 * A lease entry with the time at which something is due for it: its next renewal or its
 * deadline. The queues of {@link KeepAlives} hold these, earliest first. An item is stale once
 * its entry has another time or has been removed, and the loop that polls it skips it, so a
 * new response adds an item instead of moving the old one.
 *
 * @param atNanos the time on the client's clock
 * @param entry the lease entry
 */
record Due(long atNanos, LeaseEntry entry) {

    /** Orders by time, compared as a difference so that a clock that wraps still orders. */
    static final Comparator<Due> EARLIEST_FIRST = (a, b) -> Long.signum(a.atNanos - b.atNanos);
}
