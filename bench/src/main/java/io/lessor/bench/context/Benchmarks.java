package io.lessor.bench.context;

import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Constants and setup steps that several suites share. */
final class Benchmarks {

    /** An executor that runs a grpc-java cancellation listener on the cancelling thread. */
    static final Executor DIRECT = Runnable::run;

    /** A grpc-java cancellation listener that does nothing but make its context attach. */
    static final io.grpc.Context.CancellationListener IGNORE_CANCEL = context -> { };

    /**
     * The logger of {@code io.grpc.Context}, held here because the logging framework keeps
     * loggers only weakly and would forget the level set on it.
     */
    private static final Logger GRPC_CONTEXT_LOG = Logger.getLogger(io.grpc.Context.class.getName());

    private Benchmarks() {
    }

    /**
     * Turns off the log of {@code io.grpc.Context}. grpc-java 1.85 logs a SEVERE record with a
     * stack trace whenever a context is created 1000 levels below the root. The depth-1000
     * CancelTree shape does that once per operation, and printing the record would measure the
     * console. The record's exception is still created, so its cost stays in the number.
     */
    static void silenceGrpcContextLog() {
        GRPC_CONTEXT_LOG.setLevel(Level.OFF);
    }
}
