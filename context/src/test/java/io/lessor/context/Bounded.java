package io.lessor.context;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a blocking call under test on a virtual thread and waits for it a bounded time, so that
 * a call that should return at once fails the test when it blocks instead of hanging the build.
 */
final class Bounded {

    static final Duration LIMIT = Duration.ofSeconds(5);

    private Bounded() {
    }

    /** Returns what {@code call} returns, or rethrows what it throws. */
    static <T> T call(Callable<T> call) throws Exception {
        FutureTask<T> task = new FutureTask<>(call);
        Thread thread = Thread.ofVirtual().name("bounded-call").start(task);
        try {
            return task.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            throw new AssertionError("blocking call still running after " + LIMIT, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        } finally {
            thread.join(LIMIT);
        }
    }

    /** Runs {@code call}, which returns nothing, like {@link #call(Callable)}. */
    static void run(ThrowingRunnable call) throws Exception {
        call(() -> {
            call.run();
            return null;
        });
    }

    /** A call that returns nothing and may throw. */
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
