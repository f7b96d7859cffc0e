package io.lessor.bench.keepalive;

import java.util.Map;

/**
 * One etcd client whose keep-alive machinery the harness measures. An implementation builds its
 * client when it is created, keeps each lease alive with a consumer that reads every response,
 * and counts those responses.
 *
 * <p>Thread-safety: {@link #keepAlive} and {@link #close()} are called from the measuring thread
 * only; the counters may be read from any thread.
 */
interface ClientUnderTest extends AutoCloseable {

    /** Starts keeping {@code leaseId} alive, with a consumer that counts each response. */
    void keepAlive(long leaseId);

    /** Returns how many keep-alive responses with a positive TTL the consumers have read. */
    long renewals();

    /** Returns how many leases have had at least one response with a positive TTL. */
    long respondedLeases();

    /** Returns how many keep-alives have ended, for any reason, before {@link #close()}. */
    long ended();

    /** Returns how many keep-alives ended for each reason, as the client names it. */
    Map<String, Long> endReasons();

    /** Closes the client with the call its documentation names, and returns when that call returns. */
    @Override
    void close();
}
