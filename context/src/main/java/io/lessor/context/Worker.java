package io.lessor.context;

import java.time.Duration;
import java.util.Objects;

/**
 * A long-lived loop on its own named virtual thread (or platform thread, with
 * {@link #startPlatform}), started under a context and stopped for
 * sure: the shape of every background goroutine in the article this project grew from, and of
 * etcd's lease keep-alive loops.
 *
 * <pre>{@code
 * try (Worker sender = Worker.every(clientCtx, "keepalive-send", Duration.ofMillis(500),
 *         ctx -> sendDueKeepAlives())) {
 *     ...
 * }   // close(): cancel, interrupt, wait up to 5 s, and throw if the loop will not stop
 * }</pre>
 *
 * <p>The worker runs under a child of the given context. It stops when that context ends (the
 * parent ends, or {@link #stop(Duration)} or {@link #close()} cancels it), when its body returns,
 * or when its body throws. A body that throws is logged at WARNING through
 * {@link System.Logger}, unless the exception is the context's own end, and its exception is
 * kept in {@link #failure()} and becomes the cause of the worker's context.
 *
 * <p>Stopping cancels the context, which interrupts the worker's thread while the body runs,
 * then waits for the thread to exit, up to a grace period. A worker that is still running then
 * is reported: {@link #stop(Duration)} returns {@code false} and {@link #close()} throws
 * {@link WorkerNotStoppedException} with the stuck thread's stack.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public final class Worker implements AutoCloseable {

    /** The grace period of {@link #close()}. */
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);

    private final String name;
    private final CancelableContext context;
    private final Registration interrupter;
    private volatile Throwable failure;
    private final TaskThread thread;

    private Worker(Context parent, String name, Task body, boolean platform) {
        this.name = Objects.requireNonNull(name, "name");
        this.context = parent.withCancel();
        // The body may finish before `thread` is assigned; runBody() only needs `context`.
        this.thread = TaskThread.start(name, () -> runBody(body), platform);
        this.interrupter = context.done().onFire(thread::interruptIfRunning);
    }

    /**
     * Starts {@code body} on a virtual thread named {@code name}, under a child of {@code parent}.
     * The body is the whole loop; it should return when its context ends.
     */
    public static Worker start(Context parent, String name, Task body) {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(body, "body");
        return new Worker(parent, name, body, false);
    }

    /**
     * Starts {@code body} like {@link #start}, but on a daemon platform thread. Use it for a loop
     * that spends much of its time in native calls, such as a synced disk write. A virtual thread
     * in a native call keeps its carrier thread busy until the call returns. There are only as
     * many carriers as cores, so a platform thread leaves them free for the virtual threads.
     */
    public static Worker startPlatform(Context parent, String name, Task body) {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(body, "body");
        return new Worker(parent, name, body, true);
    }

    /**
     * Starts a loop that runs {@code tick} at once and then every {@code period}, on the
     * context's clock, until the context ends. Ticks keep a fixed rate: a tick that overruns its
     * period delays the next one, and ticks missed meanwhile are skipped rather than run in a
     * burst, as Go's {@code time.Ticker} does.
     *
     * @throws IllegalArgumentException if {@code period} is not positive
     */
    public static Worker every(Context parent, String name, Duration period, Task tick) {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(tick, "tick");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("worker " + name + ": period must be positive, got " + period);
        }
        long periodNanos = Timeouts.toDelayNanos(period);
        return new Worker(parent, name, ctx -> tickLoop(ctx, periodNanos, tick), false);
    }

    private static void tickLoop(Context ctx, long periodNanos, Task tick) throws Exception {
        Clock clock = ctx.clock();
        long nextNanos = clock.nanoTime();
        while (!ctx.isDone()) {
            tick.run(ctx);
            nextNanos += periodNanos;
            long now = clock.nanoTime();
            if (nextNanos - now < 0) {
                // Overran: skip the ticks that fell due while it ran and keep the phase. A tick due
                // exactly now is not missed, so it runs at once.
                nextNanos += Math.ceilDiv(now - nextNanos, periodNanos) * periodNanos;
            }
            boolean timedOut = Select.<Boolean>on(clock)
                    .onDone(ctx.done(), () -> false)
                    .onTimeout(Duration.ofNanos(nextNanos - now), () -> true)
                    .await();
            if (!timedOut) {
                return;
            }
        }
    }

    private void runBody(Task body) {
        try {
            body.run(context);
        } catch (Throwable t) {
            boolean stopping = context.isDone()
                    && (t instanceof InterruptedException || t instanceof ContextDoneException);
            if (!stopping) {
                failure = t;
                context.cancel(t);
                Log.taskFailed(name, t);
            }
        } finally {
            // A body that returns on its own ends its context too, so nothing waits on it.
            context.cancel();
        }
    }

    /** Returns the worker's name, which is also its thread's name. */
    public String name() {
        return name;
    }

    /** Returns the context the body runs under. */
    public Context context() {
        return context;
    }

    /** Returns the signal that fires when the body has returned or thrown. */
    public Done stopped() {
        return thread.finished();
    }

    /** Returns whether the body has returned or thrown. */
    public boolean isStopped() {
        return thread.finished().isFired();
    }

    /** Returns what the body threw, other than its context's end, or {@code null}. */
    public Throwable failure() {
        return failure;
    }

    /**
     * Cancels the worker's context and waits up to {@code grace} for its thread to exit. An
     * interrupt of the calling thread ends the wait early and is kept.
     *
     * @return {@code true} if the thread has exited; {@code false} if it has not, and always
     *     {@code false} when called from the worker's own thread, which only cancels
     */
    public boolean stop(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        context.cancel();
        if (Thread.currentThread() == thread.thread()) {
            return false;
        }
        boolean exited;
        try {
            exited = thread.thread().join(grace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !thread.thread().isAlive();
        }
        if (exited) {
            interrupter.stop();
        }
        return exited;
    }

    /**
     * Stops the worker, waiting up to {@link #DEFAULT_STOP_GRACE}.
     *
     * @throws WorkerNotStoppedException if the thread is still running then
     * @throws IllegalStateException if called from the worker's own body, which cannot wait for
     *     itself. The worker's context is cancelled first, so the body should return next.
     */
    @Override
    public void close() {
        if (Thread.currentThread() == thread.thread()) {
            context.cancel();
            throw new IllegalStateException("worker " + name + ": close() cannot wait for the worker from its own"
                    + " thread; its context is cancelled, so return from the body, or call close() from another"
                    + " thread");
        }
        long startNanos = System.nanoTime();
        if (!stop(DEFAULT_STOP_GRACE)) {
            // Less than the grace when an interrupt of the closing thread cut the wait short.
            long waitedMillis = (System.nanoTime() - startNanos) / 1_000_000;
            Log.workerNotStopped(name, waitedMillis);
            throw new WorkerNotStoppedException(name, waitedMillis, thread.thread().getStackTrace());
        }
    }

    @Override
    public String toString() {
        return "Worker[" + name + (isStopped() ? ", stopped]" : ", running]");
    }
}
