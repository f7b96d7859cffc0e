package io.lessor.context;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Waits for the first of several events and runs the handler of that one: Go's {@code select}
 * statement. The cases are a {@link Done} signal (a context's end), a
 * {@link CompletionStage} (a future result), a timeout on a {@link Clock}, and an optional
 * default that runs when no case is ready at once.
 *
 * <pre>{@code
 * String got = Select.<String>create()
 *         .onDone(ctx.done(), () -> "stopped")
 *         .onComplete(reply, (value, failure) -> failure == null ? value : "failed")
 *         .onTimeout(Duration.ofMillis(500), () -> "timed out")
 *         .await();
 * }</pre>
 *
 * <p>As in Go, when several cases are ready at the moment of the first check, one is picked
 * uniformly at random so that no case starves. After the wait, the select removes what it registered on the
 * losing cases: its listeners on {@code Done} signals and its timer. A {@link CompletableFuture}
 * offers no way to remove a dependent action, so a select that loses to another case leaves a
 * small completed-or-not callback on each future case until that future completes.
 *
 * <p>A {@code Select} is built and awaited by one thread, and may be awaited once.
 *
 * @param <R> the type the handlers return
 */
public final class Select<R> {

    private final Clock clock;
    private final List<Case<R>> cases = new ArrayList<>(4);
    private Supplier<? extends R> otherwise;
    private boolean used;

    private Select(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Starts a select whose timeouts run on the system clock. */
    public static <R> Select<R> create() {
        return new Select<>(Clock.system());
    }

    /** Starts a select whose timeouts run on {@code clock}. */
    public static <R> Select<R> on(Clock clock) {
        return new Select<>(clock);
    }

    /** Adds a case that is ready when {@code signal} has fired. */
    public Select<R> onDone(Done signal, Supplier<? extends R> handler) {
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(handler, "handler");
        cases.add(new DoneCase<>(signal, handler));
        return this;
    }

    /** Adds a case that is ready when {@code context} has ended. */
    public Select<R> onDone(Context context, Supplier<? extends R> handler) {
        return onDone(context.done(), handler);
    }

    /**
     * Adds a case that is ready when {@code stage} completes; the handler gets its value, or the
     * exception it failed with, with {@link CompletionException} unwrapped. A stage cancelled
     * with {@code cancel} gives a {@link CancellationException}.
     */
    public <T> Select<R> onComplete(CompletionStage<T> stage, BiFunction<? super T, ? super Throwable, ? extends R> handler) {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(handler, "handler");
        cases.add(new StageCase<>(stage.toCompletableFuture(), handler));
        return this;
    }

    /** Adds a case that is ready {@code timeout} after {@link #await()} starts, on this select's clock. */
    public Select<R> onTimeout(Duration timeout, Supplier<? extends R> handler) {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(handler, "handler");
        cases.add(new TimeoutCase<>(Timeouts.toDelayNanos(timeout), handler));
        return this;
    }

    /** Sets the handler that runs when no case is ready at once: Go's {@code default}. */
    public Select<R> otherwise(Supplier<? extends R> handler) {
        this.otherwise = Objects.requireNonNull(handler, "handler");
        return this;
    }

    /**
     * Waits for the first ready case and returns what its handler returns.
     *
     * @throws InterruptedException if the thread is interrupted before a case is ready
     * @throws IllegalStateException if there are no cases and no default, or it was awaited before
     */
    public R await() throws InterruptedException {
        if (used) {
            throw new IllegalStateException("a Select can be awaited once; build a new one");
        }
        used = true;
        if (cases.isEmpty() && otherwise == null) {
            throw new IllegalStateException("a Select needs at least one case or a default");
        }

        Case<R> ready = pollReady();
        if (ready != null) {
            return ready.handle();
        }
        if (otherwise != null) {
            return otherwise.get();
        }

        Waiter waiter = new Waiter(Thread.currentThread());
        try {
            for (int i = 0; i < cases.size() && waiter.winner.get() < 0; i++) {
                cases.get(i).arm(waiter, i, clock);
            }
            while (waiter.winner.get() < 0) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    if (waiter.winner.compareAndSet(-1, Integer.MAX_VALUE)) {
                        throw new InterruptedException();
                    }
                    // A case won at the same time: report it and keep the interrupt.
                    Thread.currentThread().interrupt();
                }
            }
        } finally {
            for (Case<R> c : cases) {
                c.disarm();
            }
        }
        return cases.get(waiter.winner.get()).handle();
    }

    /** Returns a case that is ready now, each ready case with equal probability, or {@code null}. */
    private Case<R> pollReady() {
        // Reservoir sampling in one pass: the k-th ready case replaces the pick with probability
        // 1/k, which leaves each of the ready cases picked with the same probability.
        Case<R> picked = null;
        int readyCount = 0;
        for (Case<R> c : cases) {
            if (!c.isReady()) {
                continue;
            }
            readyCount++;
            if (readyCount == 1 || ThreadLocalRandom.current().nextInt(readyCount) == 0) {
                picked = c;
            }
        }
        return picked;
    }

    /** The thread of an {@link #await()} and the index of the case that woke it first. */
    static final class Waiter {
        final Thread thread;
        final AtomicInteger winner = new AtomicInteger(-1);

        Waiter(Thread thread) {
            this.thread = thread;
        }

        void wake(int index) {
            if (winner.compareAndSet(-1, index)) {
                LockSupport.unpark(thread);
            }
        }
    }

    private abstract static class Case<R> {
        abstract boolean isReady();

        /** Registers to wake {@code waiter} with {@code index} when ready. */
        abstract void arm(Waiter waiter, int index, Clock clock);

        /** Removes what {@link #arm} registered; safe to call when it was never armed. */
        abstract void disarm();

        abstract R handle();
    }

    private static final class DoneCase<R> extends Case<R> {
        private final Done signal;
        private final Supplier<? extends R> handler;
        private Done.Listener listener;

        DoneCase(Done signal, Supplier<? extends R> handler) {
            this.signal = signal;
            this.handler = handler;
        }

        @Override
        boolean isReady() {
            return signal.isFired();
        }

        @Override
        void arm(Waiter waiter, int index, Clock clock) {
            signal.beforeWait();
            Done.Listener l = new Done.Listener() {
                @Override
                void fired() {
                    waiter.wake(index);
                }
            };
            if (signal.register(l)) {
                listener = l;
            } else {
                waiter.wake(index);
            }
        }

        @Override
        void disarm() {
            if (listener != null) {
                signal.unregister(listener);
                listener = null;
            }
        }

        @Override
        R handle() {
            return handler.get();
        }
    }

    private static final class StageCase<T, R> extends Case<R> {
        private final CompletableFuture<T> future;
        private final BiFunction<? super T, ? super Throwable, ? extends R> handler;
        private volatile Waiter waiter;

        StageCase(CompletableFuture<T> future, BiFunction<? super T, ? super Throwable, ? extends R> handler) {
            this.future = future;
            this.handler = handler;
        }

        @Override
        boolean isReady() {
            return future.isDone();
        }

        @Override
        void arm(Waiter waiter, int index, Clock clock) {
            this.waiter = waiter;
            future.whenComplete((value, failure) -> {
                Waiter w = this.waiter;
                if (w != null) {
                    w.wake(index);
                }
            });
        }

        @Override
        void disarm() {
            // Drop the reference to the waiting thread; the callback itself stays on the future.
            waiter = null;
        }

        @Override
        R handle() {
            // join() would wrap a cancellation in a new CancellationException on recent JDKs
            // (JDK 25 does), so the outcome is read without it.
            return switch (future.state()) {
                case SUCCESS -> handler.apply(future.resultNow(), null);
                case FAILED -> handler.apply(null, future.exceptionNow());
                case CANCELLED -> handler.apply(null, cancellation());
                case RUNNING -> throw new IllegalStateException("select case picked before its stage completed");
            };
        }

        /**
         * Returns the exception of a cancelled future: the {@link CancellationException} it was
         * completed with, which may be a subclass such as {@link ContextDoneException}.
         */
        private Throwable cancellation() {
            // exceptionNow() rejects a cancelled future; handle() runs at once on a completed
            // one and passes its exception as stored.
            Throwable stored = future.handle((value, failure) -> failure).join();
            if (stored instanceof CompletionException && stored.getCause() != null) {
                return stored.getCause();
            }
            return stored;
        }
    }

    private static final class TimeoutCase<R> extends Case<R> {
        private final long delayNanos;
        private final Supplier<? extends R> handler;
        private Clock.Timer timer;

        TimeoutCase(long delayNanos, Supplier<? extends R> handler) {
            this.delayNanos = delayNanos;
            this.handler = handler;
        }

        @Override
        boolean isReady() {
            return delayNanos <= 0;
        }

        @Override
        void arm(Waiter waiter, int index, Clock clock) {
            timer = clock.schedule(delayNanos, new Runnable() {
                @Override
                public void run() {
                    waiter.wake(index);
                }

                @Override
                public String toString() {
                    return "Select timeout of " + Duration.ofNanos(delayNanos) + " on " + waiter.thread.getName();
                }
            });
        }

        @Override
        void disarm() {
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
        }

        @Override
        R handle() {
            return handler.get();
        }
    }
}
