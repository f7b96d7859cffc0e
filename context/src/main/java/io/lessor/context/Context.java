package io.lessor.context;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;

/**
 * A cancellation signal, an optional deadline and a set of values, passed down a call tree;
 * Go's {@code context.Context} for Java.
 *
 * <p>Contexts form a tree. A root is {@link #background()} (Go's {@code Background}), which
 * never ends. Each {@code with...} method derives a child: {@link #withCancel()},
 * {@link #withDeadline(Instant)} and {@link #withTimeout(Duration)} return a
 * {@link CancelableContext} that the caller must close, and {@link #with(Key, Object)} adds a
 * value. When a context ends, every context derived from it ends too, with the same
 * {@link #reason()} and {@link #cause()}.
 *
 * <pre>{@code
 * try (CancelableContext ctx = Context.background().withTimeout(Duration.ofSeconds(5))) {
 *     while (!ctx.isDone()) {
 *         pollOnce(ctx);
 *     }
 * }   // close() is Go's `defer cancel()`: it releases the timer and the link to the parent
 * }</pre>
 *
 * <p>Code that blocks watches {@link #done()}: {@link Select} waits for it next to other events,
 * {@link Worker} and {@link TaskGroup} run loops and tasks that stop when it fires, and
 * {@link #sleep(Duration)} is a sleep that a cancellation cuts short.
 *
 * <p>Thread-safety: contexts are immutable apart from their one-way move to done; every method
 * may be called from any thread. A context is not bound to a thread and is passed explicitly,
 * never through a thread-local.
 *
 * <p>Cost: deriving a child allocates a few small objects. A child attaches itself to its
 * parent only when something watches it ({@link #done()}, {@link #afterFunc(Runnable)}, a
 * deadline timer, or a watched child of its own); until then cancelling the parent costs nothing
 * for it, and a child that is dropped without being closed is simply garbage collected.
 */
public abstract sealed class Context permits RootContext, ValueContext, DetachedContext, CancelableContext {

    final Context parent;
    final Clock clock;

    Context(Context parent, Clock clock) {
        this.parent = parent;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Returns the empty root context: never done, no deadline, no values, on the system clock.
     * Go's {@code context.Background()}.
     */
    public static Context background() {
        return RootContext.BACKGROUND;
    }

    /**
     * Returns an empty root context that marks a place where the right context is not known
     * yet. It behaves exactly like {@link #background()}. Go's {@code context.TODO()}.
     */
    public static Context todo() {
        return RootContext.TODO;
    }

    /**
     * Returns an empty root context whose deadlines, timeouts and loops run on {@code clock};
     * with a {@link ManualClock} tests run on virtual time.
     */
    public static Context root(Clock clock) {
        return new RootContext("context.Root(" + clock + ")", clock);
    }

    // ---- reading ------------------------------------------------------------------------------

    /**
     * Returns when this context will end by itself, if it has a deadline. Go's
     * {@code Deadline()}.
     *
     * <p>The deadline is returned as given, but the timer that ends the context waits at most
     * about 146 years from the context's creation (half the range of
     * {@link System#nanoTime()}), so that deadlines compare without overflow. A context whose
     * deadline lies beyond that horizon, such as {@code withDeadline(Instant.MAX)}, ends at the
     * horizon if it is still running then. Between two such deadlines, a child keeps the
     * earlier instant.
     */
    public abstract Optional<Instant> deadline();

    /**
     * Returns the time left before the deadline, if there is a deadline; zero or negative once
     * it has passed. It is measured on this context's monotonic clock, except for a deadline
     * beyond the horizon described at {@link #deadline()}: then it is the time from the
     * clock's {@link Clock#instant()} to {@link #deadline()}, so the two agree.
     */
    public final Optional<Duration> timeRemaining() {
        CancelableContext node = cancelNode();
        if (node == null || !node.hasDeadline()) {
            return Optional.empty();
        }
        CancelableContext.Deadline deadline = node.deadlineValue();
        if (deadline.clamped()) {
            return Optional.of(Duration.between(clock.instant(), deadline.instant()));
        }
        return Optional.of(Duration.ofNanos(deadline.nanos() - clock.nanoTime()));
    }

    /**
     * Returns the signal that fires when this context ends; it never fires for a context that
     * cannot end. Go's {@code Done()}.
     */
    public abstract Done done();

    /** Returns whether this context has ended; the same as {@code reason() != null}. */
    public final boolean isDone() {
        return reason() != null;
    }

    /**
     * Returns why this context ended, or {@code null} while it has not. Once it returns a
     * reason, {@link #done()} has fired and {@link #cause()} is not {@code null}. Go's
     * {@code Err()}.
     */
    public abstract Reason reason();

    /**
     * Returns the cause of this context's end, or {@code null} while it has not ended. It is the
     * cause given to {@link CancelableContext#cancel(Throwable)} or to
     * {@link #withDeadline(Instant, Throwable)}; with none given, it is
     * {@link ContextDoneException#CANCELED} or {@link ContextDoneException#DEADLINE_EXCEEDED}.
     * A context ended by an ancestor has the ancestor's cause. Go's {@code context.Cause}.
     */
    public abstract Throwable cause();

    /**
     * Throws if this context has ended.
     *
     * @throws ContextDoneException with this context's reason, and its cause as the exception's
     *     cause
     */
    public final void throwIfDone() {
        Outcome outcome = outcome();
        if (outcome != null) {
            throw new ContextDoneException(outcome.reason(), outcome.cause());
        }
    }

    /**
     * Returns the value bound to {@code key} by the nearest {@link #with(Key, Object)} on the path
     * to the root, or {@code null} if there is none. Go's {@code Value}.
     */
    @SuppressWarnings("unchecked")
    public final <T> T value(Key<T> key) {
        Objects.requireNonNull(key, "key");
        for (Context c = this; c != null; c = c.parent) {
            if (c instanceof ValueContext v && v.key == key) {
                return (T) v.value;
            }
        }
        return null;
    }

    /** Returns the clock this context's deadlines and loops run on. */
    public final Clock clock() {
        return clock;
    }

    // ---- deriving -----------------------------------------------------------------------------

    /**
     * Returns a child that ends when this context ends or when it is cancelled or closed,
     * whichever comes first. Go's {@code WithCancel} and {@code WithCancelCause}.
     */
    public final CancelableContext withCancel() {
        return CancelableContext.create(this, null, null);
    }

    /**
     * Returns a child that also ends at {@code deadline}, with reason
     * {@link Reason#DEADLINE_EXCEEDED}. If this context's deadline is earlier, the child keeps
     * that one. A deadline already past returns a child that is done. Go's
     * {@code WithDeadline}.
     */
    public final CancelableContext withDeadline(Instant deadline) {
        return withDeadline(deadline, null);
    }

    /**
     * Like {@link #withDeadline(Instant)}, with {@code cause} as the {@link #cause()} when the
     * deadline passes. Go's {@code WithDeadlineCause}.
     */
    public final CancelableContext withDeadline(Instant deadline, Throwable cause) {
        Objects.requireNonNull(deadline, "deadline");
        long delayNanos = Timeouts.toNanosSaturated(Duration.between(clock.instant(), deadline));
        long boundedDelay = Math.max(-Timeouts.MAX_DELAY_NANOS, Math.min(delayNanos, Timeouts.MAX_DELAY_NANOS));
        boolean clamped = delayNanos > Timeouts.MAX_DELAY_NANOS;
        return CancelableContext.create(this,
                new CancelableContext.Deadline(deadline, clock.nanoTime() + boundedDelay, clamped), cause);
    }

    /**
     * Returns a child that also ends {@code timeout} from now. Go's {@code WithTimeout}; zero or
     * a negative timeout gives a child that is done.
     */
    public final CancelableContext withTimeout(Duration timeout) {
        return withTimeout(timeout, null);
    }

    /** Like {@link #withTimeout(Duration)}, with a cause. Go's {@code WithTimeoutCause}. */
    public final CancelableContext withTimeout(Duration timeout, Throwable cause) {
        Objects.requireNonNull(timeout, "timeout");
        long delayNanos = Math.max(0, Timeouts.toDelayNanos(timeout));
        boolean clamped = Timeouts.toNanosSaturated(timeout) > Timeouts.MAX_DELAY_NANOS;
        Instant deadline = plusSaturated(clock.instant(), timeout);
        return CancelableContext.create(this,
                new CancelableContext.Deadline(deadline, clock.nanoTime() + delayNanos, clamped), cause);
    }

    /**
     * Returns a child that carries {@code value} under {@code key}; the binding nearest to a
     * context wins. The child ends with this context. Go's {@code WithValue}.
     */
    public final <T> Context with(Key<T> key, T value) {
        return new ValueContext(this, Objects.requireNonNull(key, "key"), value);
    }

    /**
     * Returns a child that sees this context's values but never ends and has no deadline, for
     * work that must finish after the request that started it, such as a cleanup. Go's
     * {@code WithoutCancel}.
     */
    public final Context withoutCancel() {
        return new DetachedContext(this);
    }

    /**
     * Arranges to run {@code action} on a new virtual thread once this context ends; if it has
     * ended, the thread starts now. Go's {@code AfterFunc}.
     *
     * @return a registration whose {@link Registration#stop()} returns {@code true} only for the
     *     call that kept {@code action} from starting; it never waits for {@code action}
     */
    public final Registration afterFunc(Runnable action) {
        Objects.requireNonNull(action, "action");
        Done signal = done();
        AfterFunc registration = new AfterFunc(action, this, signal);
        if (!signal.register(registration)) {
            registration.fired();
        }
        return registration;
    }

    /**
     * Sleeps for {@code duration} on this context's clock, or until this context ends.
     *
     * @throws ContextDoneException if this context ends first, or had ended already, even when
     *     the thread was interrupted at the same moment
     * @throws InterruptedException if the thread is interrupted while this context has not ended
     */
    public final void sleep(Duration duration) throws InterruptedException {
        throwIfDone();
        boolean timedOut;
        try {
            timedOut = Select.<Boolean>on(clock)
                    .onDone(done(), () -> false)
                    .onTimeout(duration, () -> true)
                    .await();
        } catch (InterruptedException e) {
            // The library interrupts its task threads when their context ends, and that
            // interrupt may arrive before the select notices the end. Report the end, which is
            // the real reason, and restore the interrupt status for the caller.
            if (isDone()) {
                Thread.currentThread().interrupt();
                throwIfDone();
            }
            throw e;
        }
        if (!timedOut) {
            throwIfDone();
        }
    }

    /**
     * Returns the chain of constructors from the root to this context, as Go prints a context:
     * {@code context.Background.WithCancel.WithValue(request-id)}. The name is built on each
     * call, in time and memory linear in the depth.
     */
    @Override
    public final String toString() {
        // Contexts store only their own label, so that a deep chain costs linear memory, and the
        // walk is a loop so that a deep chain cannot overflow the stack.
        ArrayDeque<String> labels = new ArrayDeque<>();
        int length = 0;
        for (Context c = this; c != null; c = c.parent) {
            String label = c.label();
            labels.push(label);
            length += label.length() + 1;
        }
        StringBuilder name = new StringBuilder(length);
        for (String label : labels) {
            if (!name.isEmpty()) {
                name.append('.');
            }
            name.append(label);
        }
        return name.toString();
    }

    // ---- internals -------------------------------------------------------------------------

    /** Returns the nearest cancelable context on the path to the root, or {@code null} if none. */
    abstract CancelableContext cancelNode();

    /**
     * Returns this context's own part of its name, such as {@code WithCancel}; a root returns
     * its whole name.
     */
    abstract String label();

    /** Returns this context's outcome, or {@code null} while it has not ended. */
    abstract Outcome outcome();

    private static Instant plusSaturated(Instant start, Duration amount) {
        try {
            return start.plus(amount);
        } catch (ArithmeticException | java.time.DateTimeException overflow) {
            return amount.isNegative() ? Instant.MIN : Instant.MAX;
        }
    }
}
