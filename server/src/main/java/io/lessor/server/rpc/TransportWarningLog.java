package io.lessor.server.rpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a warning with a stack trace that grpc-java's Netty transport logs through
 * java.util.logging once per request or stream, with one SLF4J line at most every
 * {@link #INTERVAL}, counting the warnings dropped since the last line. Other records of the
 * logger pass through unchanged.
 *
 * <p>Two such warnings are filtered, because a client can cause one per request and fill the
 * log with traces that add nothing to the status the client gets:
 * <ul>
 *   <li>{@link #OVERSIZED_MESSAGES}: grpc-java rejects a request message over the size limit
 *       itself, before this server receives the call, and sends the client RESOURCE_EXHAUSTED;
 *   <li>{@link #STREAM_ERRORS}: a stream error of the HTTP/2 layer, such as a client that closes
 *       a stream before its responses could be written, or that overruns its flow-control window.
 * </ul>
 *
 * <p>The filters are JVM-wide, because java.util.logging keeps one logger per name.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class TransportWarningLog implements Filter {

    /** The shortest time between two lines about the same kind of warning. */
    static final Duration INTERVAL = Duration.ofSeconds(10);

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(GrpcFrontend.class);

    /** grpc-java's "Exception processing message" for a request message over the size limit. */
    static final TransportWarningLog OVERSIZED_MESSAGES = new TransportWarningLog(
            "io.grpc.netty.NettyServerStream", "request message(s) over the size limit",
            record -> record.getThrown() instanceof StatusRuntimeException rejected
                    && rejected.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED);

    /** grpc-java's "Stream Error" warning of its Netty server handler. */
    static final TransportWarningLog STREAM_ERRORS = new TransportWarningLog(
            "io.grpc.netty.NettyServerHandler", "HTTP/2 stream error(s)",
            record -> "Stream Error".equals(record.getMessage()));

    // A strong reference, because java.util.logging drops an unreferenced logger with its filter.
    private final Logger logger;
    private final String description;
    private final Predicate<LogRecord> matches;
    private final AtomicLong suppressed = new AtomicLong();
    private final AtomicLong nextLineNanos = new AtomicLong(System.nanoTime());

    private TransportWarningLog(String loggerName, String description, Predicate<LogRecord> matches) {
        this.logger = Logger.getLogger(loggerName);
        this.description = description;
        this.matches = matches;
    }

    /** Installs both filters on grpc-java's loggers. Later calls change nothing. */
    static void installAll() {
        OVERSIZED_MESSAGES.install();
        STREAM_ERRORS.install();
    }

    /** Returns the name of the logger this filter sits on. */
    String loggerName() {
        return logger.getName();
    }

    private void install() {
        if (logger.getFilter() != this) {
            logger.setFilter(this);
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (!matches.test(record)) {
            return true;
        }
        long count = suppressed.incrementAndGet();
        long now = System.nanoTime();
        long next = nextLineNanos.get();
        if (now - next >= 0 && nextLineNanos.compareAndSet(next, now + INTERVAL.toNanos())) {
            suppressed.addAndGet(-count);
            Throwable cause = record.getThrown();
            LOG.warn("rpc: {} {}, the latest: {}; repeats are counted and logged at most every {} s",
                    count, description, cause == null ? record.getMessage() : cause.toString(), INTERVAL.toSeconds());
        }
        return false;
    }
}
