package io.lessor.context;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A context that its creator ends: returned by {@link Context#withCancel()},
 * {@link Context#withDeadline(Instant)} and {@link Context#withTimeout(java.time.Duration)}.
 *
 * <p>It is {@link AutoCloseable}, and try-with-resources is Go's {@code defer cancel()}: closing
 * cancels the context, stops its deadline timer and detaches it from its parent. Close every one
 * you create; the leak check of {@code io.lessor.testing} reports those left open.
 *
 * <p>{@link #cancel(Throwable)} is idempotent and the first cancellation wins: a later call
 * changes neither the reason nor the cause, and returns {@code false}.
 */
public final class CancelableContext extends Context implements AutoCloseable {

    /*
     * Implementation notes.
     *
     * Lazy attachment. Go attaches every child to its parent at creation, so a parent keeps each
     * child it ever had until the child is cancelled. Here a child attaches (links a ChildLink
     * listener into the parent's done list) only when it is first watched: done() is called, an
     * afterFunc is registered, it has a deadline timer, or a child of its own attaches. An
     * unattached child learns of its ancestors' end by looking: resolve() walks up the chain of
     * unattached ancestors to the first attached one, and if one of them has ended the child
     * adopts that outcome with the same compare-and-set a cancel uses. An unattached child has
     * no listeners (anything that would add one attaches it first), so adopting runs nothing.
     *
     * Ordering. A context's reason and its done signal are one field (Done.payload), so a reader
     * never sees a reason before the signal has fired. Cancelling fires the signal first, then
     * stops the timer and detaches from the parent, then runs listeners: children are cancelled
     * from a work list rather than by recursion, so a deep tree cannot overflow the stack.
     *
     * Races. Attaching takes the parent's list lock and checks the parent's payload under it,
     * and firing sets the payload before it takes that lock, so an attach either lands in the
     * list before the parent detaches it or sees the payload and adopts it.
     */

    /**
     * A deadline as shown to users and as compared internally.
     *
     * @param instant the deadline as given, which {@link #deadline()} returns
     * @param nanos the clock reading at which the deadline timer fires
     * @param clamped whether {@code nanos} was cut to {@link Timeouts#MAX_DELAY_NANOS} from its
     *     creation, so that it comes before {@code instant}
     */
    record Deadline(Instant instant, long nanos, boolean clamped) {

        /**
         * Returns whether this deadline, inherited from a parent, comes at or before {@code own},
         * so that a child keeps it. Two clamped deadlines have the same timer horizon give or
         * take the moments of their creation, so the instants decide between them.
         */
        boolean isAtOrBefore(Deadline own) {
            if (clamped && own.clamped) {
                return !instant.isAfter(own.instant);
            }
            long differenceNanos = nanos - own.nanos;
            if (differenceNanos != 0) {
                return differenceNanos < 0;
            }
            return !instant.isAfter(own.instant);
        }
    }

    /** The nearest cancelable ancestor, or {@code null} when no ancestor can end. */
    private final CancelableContext ancestor;
    private final ContextDone done = new ContextDone(this);
    private final Deadline deadline;
    /** Whether {@link #deadline} is this context's own rather than inherited; names it WithDeadline. */
    private final boolean ownDeadline;
    private final Diagnostics.Handle handle;

    /** Set once, when this context attaches to {@link #ancestor}. */
    private volatile ChildLink link;
    private volatile Clock.Timer timer;

    private CancelableContext(Context parent, Deadline deadline, boolean ownDeadline) {
        super(parent, parent.clock);
        this.ancestor = parent.cancelNode();
        this.deadline = deadline;
        this.ownDeadline = ownDeadline;
        // The handle takes this context, not its name: a name costs time linear in the depth,
        // so it is built only when a leak is reported.
        this.handle = Diagnostics.track(Diagnostics.Kind.CONTEXT, this, () -> !isDone());
    }

    static CancelableContext create(Context parent, Deadline own, Throwable deadlineCause) {
        CancelableContext parentNode = parent.cancelNode();
        Deadline inherited = parentNode == null ? null : parentNode.deadline;

        // A parent deadline at or before ours wins. The child is then a plain cancel context, so as
        // in Go it is named WithCancel and ends with the parent's cause.
        if (own == null || (inherited != null && inherited.isAtOrBefore(own))) {
            return new CancelableContext(parent, inherited, false);
        }

        CancelableContext child = new CancelableContext(parent, own, true);
        // Attach first: a child of an ended parent takes the parent's outcome, even if its own
        // deadline has passed too (Go checks the parent first as well).
        child.attach();
        long delayNanos = own.nanos() - parent.clock.nanoTime();
        Outcome expired = Outcome.deadlineExceeded(deadlineCause);
        if (delayNanos <= 0) {
            child.finish(expired);
            return child;
        }
        if (!child.done.isFired()) {
            child.timer = parent.clock.schedule(delayNanos, new DeadlineAction(child, expired));
            if (child.done.isFired()) {
                // Ended while the timer was being scheduled; finish() may have missed it.
                child.timer.cancel();
            }
        }
        return child;
    }

    // ---- the public contract --------------------------------------------------------------

    /**
     * Cancels this context and every context derived from it, with reason
     * {@link Reason#CANCELED} and no cause. Go's {@code cancel()}.
     *
     * @return {@code true} if this call ended the context
     */
    public boolean cancel() {
        return cancel(null);
    }

    /**
     * Cancels this context and every context derived from it, with reason
     * {@link Reason#CANCELED} and {@code cause} as {@link #cause()}; a {@code null} cause means
     * {@link ContextDoneException#CANCELED}. Go's {@code CancelCauseFunc}.
     *
     * @return {@code true} if this call ended the context; {@code false} if it had ended already,
     *     by a cancel, its deadline or an ancestor
     */
    public boolean cancel(Throwable cause) {
        if (link == null) {
            // An ancestor that has ended has already ended this context for every reader, so take
            // its outcome rather than overwrite it with ours.
            Outcome inherited = endedAncestorOutcome();
            if (inherited != null) {
                finish(inherited);
                return false;
            }
        }
        return finish(Outcome.canceled(cause));
    }

    /** Cancels this context; the same as {@link #cancel()}. Never throws. */
    @Override
    public void close() {
        cancel();
    }

    @Override
    public Optional<Instant> deadline() {
        return deadline == null ? Optional.empty() : Optional.of(deadline.instant());
    }

    @Override
    public Done done() {
        attach();
        return done;
    }

    @Override
    public Reason reason() {
        Outcome outcome = outcome();
        return outcome == null ? null : outcome.reason();
    }

    @Override
    public Throwable cause() {
        Outcome outcome = outcome();
        return outcome == null ? null : outcome.cause();
    }

    @Override
    String label() {
        return ownDeadline ? "WithDeadline(" + deadline.instant() + ")" : "WithCancel";
    }

    // ---- internals -------------------------------------------------------------------------

    @Override
    CancelableContext cancelNode() {
        return this;
    }

    boolean hasDeadline() {
        return deadline != null;
    }

    Deadline deadlineValue() {
        return deadline;
    }

    @Override
    Outcome outcome() {
        Object payload = done.payload();
        if (payload != null) {
            return (Outcome) payload;
        }
        if (link != null) {
            return null;
        }
        Outcome inherited = endedAncestorOutcome();
        if (inherited == null) {
            return null;
        }
        finish(inherited);
        return (Outcome) done.payload();
    }

    /**
     * Returns the outcome of an ended ancestor that has not reached this unattached context, or
     * {@code null}. Only ancestors up to the first attached one are read, because an attached
     * ancestor that has not ended is notified by its own ancestors when they end.
     */
    private Outcome endedAncestorOutcome() {
        for (CancelableContext a = ancestor; a != null; a = a.ancestor) {
            Object payload = a.done.payload();
            if (payload != null) {
                return (Outcome) payload;
            }
            if (a.link != null) {
                return null;
            }
        }
        return null;
    }

    /** Attaches this context, and its unattached ancestors first, to their parents. */
    void attach() {
        if (link != null || ancestor == null || done.isFired()) {
            return;
        }

        // Fast path: the ancestor needs no attaching of its own (it is attached, has no
        // cancelable ancestor, or has ended), so this context is the whole chain.
        if (ancestor.link != null || ancestor.ancestor == null || ancestor.done.isFired()) {
            attachToAncestor();
            return;
        }

        List<CancelableContext> chain = new ArrayList<>(4);
        for (CancelableContext c = this; c.link == null && c.ancestor != null && !c.done.isFired(); c = c.ancestor) {
            chain.add(c);
        }
        for (int i = chain.size() - 1; i >= 0; i--) {
            chain.get(i).attachToAncestor();
        }
    }

    private void attachToAncestor() {
        ChildLink candidate = new ChildLink(this);
        if (!LINK.compareAndSet(this, null, candidate)) {
            return;
        }
        if (!ancestor.done.register(candidate)) {
            finish((Outcome) ancestor.done.payload());
        } else if (done.isFired()) {
            // Ended between the compare-and-set and the registration, so the end may have run
            // before there was anything to unregister; do it here.
            ancestor.done.unregister(candidate);
        }
    }

    /**
     * Ends this context with {@code outcome} unless it has ended, then ends its attached
     * descendants and runs its listeners.
     *
     * @return {@code true} if this call ended it
     */
    boolean finish(Outcome outcome) {
        Done.Listener first = endAndDetach(outcome);
        if (first == Done.Listener.NOT_FIRED) {
            return false;
        }
        propagate(first, outcome);
        return true;
    }

    /** Fires the done signal and releases what this context holds; listeners are not run yet. */
    private Done.Listener endAndDetach(Outcome outcome) {
        Done.Listener first = done.fireAndDetach(outcome);
        if (first == Done.Listener.NOT_FIRED) {
            return first;
        }
        Clock.Timer t = timer;
        if (t != null) {
            t.cancel();
        }
        ChildLink l = link;
        if (l != null) {
            ancestor.done.unregister(l);
        }
        Diagnostics.release(handle);
        return first;
    }

    /** Runs the listeners of ended contexts; attached children are ended from a work list. */
    private static void propagate(Done.Listener first, Outcome outcome) {
        ArrayDeque<Done.Listener> pending = null;
        Done.Listener next = first;
        while (true) {
            while (next != null) {
                Done.Listener current = next;
                next = current.next;
                current.next = null;
                current.prev = null;
                if (current instanceof ChildLink childLink) {
                    Done.Listener childFirst = childLink.child.endAndDetach(outcome);
                    if (childFirst != null && childFirst != Done.Listener.NOT_FIRED) {
                        if (pending == null) {
                            pending = new ArrayDeque<>();
                        }
                        pending.push(childFirst);
                    }
                } else {
                    current.runSafely();
                }
            }
            if (pending == null || pending.isEmpty()) {
                return;
            }
            next = pending.pop();
        }
    }

    /** The timer action that ends a context at its deadline; named for leak reports. */
    private record DeadlineAction(CancelableContext context, Outcome expired) implements Runnable {
        @Override
        public void run() {
            context.finish(expired);
        }

        @Override
        public String toString() {
            return "deadline of " + context;
        }
    }

    /** This context's entry in its ancestor's listener list. */
    private static final class ChildLink extends Done.Listener {
        final CancelableContext child;

        ChildLink(CancelableContext child) {
            this.child = child;
        }

        @Override
        void fired() {
            // Only reached if a ChildLink is run outside propagate(), which does not happen;
            // end the child anyway rather than lose the cancellation.
            child.finish((Outcome) owner.payload());
        }
    }

    /** The done signal of a cancelable context; waiting on it attaches the context. */
    private static final class ContextDone extends Done {
        private final CancelableContext context;

        ContextDone(CancelableContext context) {
            this.context = context;
        }

        @Override
        void beforeWait() {
            context.attach();
        }
    }

    private static final VarHandle LINK;

    static {
        try {
            LINK = MethodHandles.lookup().findVarHandle(CancelableContext.class, "link", ChildLink.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
