package io.lessor.server.rpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces the warning with a stack trace that grpc-java's Netty transport logs through
 * java.util.logging for every request message over the size limit, with one SLF4J line at most
 * every {@link #INTERVAL}, counting the requests rejected since the last line.
 *
 * <p>grpc-java rejects such a message itself, before this server receives the call, and sends the
 * client RESOURCE_EXHAUSTED. The trace it logs says nothing the status does not, and one per
 * request lets a client fill the log. Other records of that logger pass through unchanged.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class OversizedMessageLog implements Filter {

    /** The logger of grpc-java's Netty server stream, which logs "Exception processing message". */
    static final String GRPC_STREAM_LOGGER = "io.grpc.netty.NettyServerStream";

    /** The shortest time between two lines about rejected messages. */
    static final Duration INTERVAL = Duration.ofSeconds(10);

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(GrpcFrontend.class);

    /** Strong reference, because java.util.logging drops an unreferenced logger with its filter. */
    private static final Logger GRPC_STREAM = Logger.getLogger(GRPC_STREAM_LOGGER);

    private static final OversizedMessageLog INSTANCE = new OversizedMessageLog();

    private final AtomicLong suppressed = new AtomicLong();
    private final AtomicLong nextLineNanos = new AtomicLong(System.nanoTime());

    private OversizedMessageLog() {
    }

    /** Installs the filter on grpc-java's logger. Later calls change nothing. */
    static void install() {
        if (GRPC_STREAM.getFilter() != INSTANCE) {
            GRPC_STREAM.setFilter(INSTANCE);
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (!(record.getThrown() instanceof StatusRuntimeException rejected)
                || rejected.getStatus().getCode() != Status.Code.RESOURCE_EXHAUSTED) {
            return true;
        }
        long count = suppressed.incrementAndGet();
        long now = System.nanoTime();
        long next = nextLineNanos.get();
        if (now - next >= 0 && nextLineNanos.compareAndSet(next, now + INTERVAL.toNanos())) {
            suppressed.addAndGet(-count);
            LOG.warn("rpc: rejected {} request message(s) over the size limit, the latest with '{}'; "
                    + "repeats are counted and logged at most every {} s",
                    count, rejected.getStatus().getDescription(), INTERVAL.toSeconds());
        }
        return false;
    }
}
