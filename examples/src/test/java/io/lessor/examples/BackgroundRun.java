package io.lessor.examples;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An example running on a thread of the test's own, so that the test can drive a
 * {@link io.lessor.context.ManualClock} or cancel a context meanwhile.
 */
final class BackgroundRun<T> {

    private final FutureTask<T> task;
    private final Thread thread;

    private BackgroundRun(Callable<T> body) {
        this.task = new FutureTask<>(body);
        this.thread = Thread.ofPlatform().name("example-under-test").daemon().unstarted(task);
    }

    static <T> BackgroundRun<T> start(Callable<T> body) {
        BackgroundRun<T> run = new BackgroundRun<>(body);
        run.thread.start();
        return run;
    }

    /**
     * Waits for the example to return and for its thread to exit.
     *
     * @throws TimeoutException if it is still running after {@code timeout}
     * @throws ExecutionException if the example threw
     */
    T await(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        T result = task.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        thread.join(timeout);
        return result;
    }
}
