package io.lessor.context;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The real clock. Timers run on one daemon platform thread named {@value Clock#TIMER_THREAD_NAME},
 * started on first use and kept for the life of the process, as grpc-java's deadline timer is.
 * A cancelled timer is removed from the queue at once, so cancelled timeouts do not pile up.
 */
final class SystemClock implements Clock {

    static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Instant instant() {
        return Instant.now();
    }

    @Override
    public Timer schedule(long delayNanos, Runnable action) {
        TrackedTimer timer = new TrackedTimer(action);
        timer.future = Scheduler.EXECUTOR.schedule(timer, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        if (timer.finished.get()) {
            // Cancelled before `future` was set: take the entry out of the queue now.
            timer.future.cancel(false);
        }
        return timer;
    }

    /** Holder class, so the timer thread starts only when a timer is first needed. */
    private static final class Scheduler {
        static final ScheduledThreadPoolExecutor EXECUTOR = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, TIMER_THREAD_NAME);
                thread.setDaemon(true);
                return thread;
            });
            executor.setRemoveOnCancelPolicy(true);
            executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            return executor;
        }
    }

    private static final class TrackedTimer implements Timer, Runnable {
        private final Runnable action;
        private final AtomicBoolean finished = new AtomicBoolean();
        private final Diagnostics.Handle handle;
        volatile ScheduledFuture<?> future;

        TrackedTimer(Runnable action) {
            this.action = action;
            this.handle = Diagnostics.track(Diagnostics.Kind.TIMER, action, null);
        }

        @Override
        public void run() {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            Diagnostics.release(handle);
            try {
                action.run();
            } catch (Throwable t) {
                Log.callbackFailed(action, t);
            }
        }

        @Override
        public boolean cancel() {
            if (!finished.compareAndSet(false, true)) {
                return false;
            }
            Diagnostics.release(handle);
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
            return true;
        }
    }
}
