package io.lessor.context;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A one-shot signal: it starts unfired, fires once, and stays fired. This is Java's form of the
 * channel that Go's {@code ctx.Done()} returns, which a goroutine waits on to learn that it
 * should stop.
 *
 * <p>Waiting never pins a virtual thread: {@link #await()} parks with {@link LockSupport} and
 * the listener list is guarded by a {@link ReentrantLock}, not a monitor. Callbacks given to
 * {@link #onFire(Runnable)} run on the thread that fires the signal, after every internal lock
 * is released, so they must be short; hand longer work to another thread, as
 * {@link Context#afterFunc(Runnable)} does.
 *
 * <p>Every listener that a wait or a callback registers is removed when it is no longer needed,
 * so a signal that never fires does not grow, however many waits time out or selects pick
 * another case.
 *
 * <pre>{@code
 * Signal stop = Signal.create();
 * Thread.ofVirtual().start(() -> { doWork(); stop.fire(); });
 * if (!stop.await(Duration.ofSeconds(5))) {
 *     log("work still running after 5 s");
 * }
 * }</pre>
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public abstract class Done {

    /*
     * Implementation notes.
     *
     * The fired state is one volatile field, `payload`, set once by compare-and-set. Contexts
     * store their outcome (reason and cause) there, so the moment a context's reason becomes
     * visible is exactly the moment its done signal fires: no reader can see one without the
     * other.
     *
     * Listeners form a doubly linked list in registration order, guarded by `lock`. Firing sets
     * the payload first and then detaches the whole list under the lock. A registration takes
     * the lock and checks the payload, so it either lands in the list before it is detached or
     * sees the payload and runs at once; no listener is lost and none runs twice.
     *
     * The lock is created on first use, because most signals (those of contexts that nobody
     * watches) never get a listener. `lock` moves one way through three values:
     *
     *   null ──register()──▶ a ReentrantLock of this signal's own
     *     │
     *     └──fireAndDetach()──▶ FIRED_WITHOUT_LOCK
     *
     * Both moves are a compare-and-set from null, so exactly one of them happens. If fire wins,
     * no registration ever installed a lock, so the list is empty and there is nothing to
     * detach; every later registration reads the sentinel and reports the signal as fired. If a
     * registration wins, firing takes that lock and detaches the list as described above.
     */

    private volatile Object payload;

    /**
     * Guards the listener list: {@code null} until the first registration, then a lock of this
     * signal's own, or {@link #FIRED_WITHOUT_LOCK} if the signal fired before any registration.
     */
    private volatile ReentrantLock lock;

    // @GuardedBy("lock")
    private Listener head;
    // @GuardedBy("lock")
    private Listener tail;
    // @GuardedBy("lock"): true once fire() has detached the list; later registrations run at once.
    private boolean drained;

    /**
     * The value of {@link #lock} once the signal has fired without ever having had a listener.
     * It is never locked.
     */
    private static final ReentrantLock FIRED_WITHOUT_LOCK = new ReentrantLock();

    /** The stage {@link #asStage()} returns, created on its first call. */
    private volatile CompletionStage<Void> stage;

    Done() {
    }

    /** Returns whether this signal has fired. */
    public final boolean isFired() {
        return payload != null;
    }

    /**
     * Blocks until this signal fires.
     *
     * @throws InterruptedException if the thread is interrupted first; the interrupt status is
     *     cleared, as {@link Object#wait()} does
     */
    public final void await() throws InterruptedException {
        if (isFired()) {
            return;
        }
        awaitNanos(Long.MAX_VALUE, false);
    }

    /**
     * Blocks until this signal fires or the timeout passes, on the system's monotonic clock. A
     * zero or negative timeout does not block.
     *
     * @return {@code true} if the signal fired, {@code false} if the timeout passed first
     * @throws InterruptedException if the thread is interrupted first
     */
    public final boolean await(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        if (isFired()) {
            return true;
        }
        long timeoutNanos = Timeouts.toDelayNanos(timeout);
        if (timeoutNanos == 0) {
            return false;
        }
        return awaitNanos(timeoutNanos, true);
    }

    /**
     * Blocks until this signal fires, ignoring interrupts; the interrupt status is restored
     * before it returns.
     */
    public final void awaitUninterruptibly() {
        boolean interrupted = false;
        while (!isFired()) {
            try {
                await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs {@code callback} once, when this signal fires, on the firing thread; if it has fired
     * already, runs it now on the calling thread. An exception from the callback is logged and
     * does not stop the other callbacks.
     *
     * @return a registration whose {@link Registration#stop()} removes the callback if it has
     *     not started yet
     */
    public final Registration onFire(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        CallbackListener listener = new CallbackListener(callback);
        if (!register(listener)) {
            listener.fired();
        }
        return listener;
    }

    /**
     * Returns a stage that completes normally when this signal fires. The same stage is returned
     * on every call, and it cannot be completed by its users.
     */
    public final CompletionStage<Void> asStage() {
        CompletionStage<Void> existing = stage;
        if (existing != null) {
            return existing;
        }
        if (!canFire()) {
            // A signal that can never fire shares one stage that never completes.
            return NeverStage.instance();
        }

        // Each minimalCompletionStage() call adds a dependent to the future, so it is called
        // once, and only the thread that publishes the stage registers the callback.
        CompletableFuture<Void> future = new CompletableFuture<>();
        CompletionStage<Void> created = future.minimalCompletionStage();
        if (!STAGE.compareAndSet(this, null, created)) {
            return stage;
        }
        onFire(() -> future.complete(null));
        return created;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + (isFired() ? "[fired]" : "[waiting]");
    }

    // ---- for subclasses and the rest of the package ------------------------------------------

    /** Returns the payload this signal fired with, or {@code null} while it has not fired. */
    final Object payload() {
        return payload;
    }

    /**
     * Fires this signal with {@code value} unless it fired before, then runs the listeners.
     *
     * @return {@code true} if this call fired it
     */
    final boolean fire(Object value) {
        Listener first = fireAndDetach(value);
        if (first == Listener.NOT_FIRED) {
            return false;
        }
        runAll(first);
        return true;
    }

    /**
     * Sets the payload and detaches the listener list without running it, so that a caller that
     * propagates through many signals can run them from a work list instead of recursing.
     *
     * @return the first detached listener (may be {@code null}), or {@link Listener#NOT_FIRED} if
     *     the signal had fired before
     */
    final Listener fireAndDetach(Object value) {
        Objects.requireNonNull(value, "value");
        if (!PAYLOAD.compareAndSet(this, null, value)) {
            return Listener.NOT_FIRED;
        }

        // The payload is set, so from here on every register() that reads it returns false.
        // One that read it as null before may still be on its way to install a lock. If this
        // compare-and-set wins, that registration's compare-and-set fails, and it reads the
        // sentinel and returns false. No registration ever linked a listener, because linking
        // needs the lock, so the list is empty.
        // The plain read first spares a compare-and-set that would fail on a watched signal.
        ReentrantLock l = lock;
        if (l == null) {
            if (LOCK.compareAndSet(this, null, FIRED_WITHOUT_LOCK)) {
                return null;
            }
            l = lock;
        }

        // A registration installed the lock first. Registrations link under it only while
        // `drained` is false, so after this block each listener is either in the detached list
        // or was rejected by register(), and never both.
        l.lock();
        try {
            Listener first = head;
            head = null;
            tail = null;
            drained = true;
            return first;
        } finally {
            l.unlock();
        }
    }

    static void runAll(Listener first) {
        for (Listener l = first; l != null; ) {
            Listener next = l.next;
            l.next = null;
            l.prev = null;
            l.runSafely();
            l = next;
        }
    }

    /**
     * Adds {@code listener} to the list.
     *
     * @return {@code false} if the signal has fired; the listener was not added and the caller
     *     decides whether to run it
     */
    final boolean register(Listener listener) {
        if (payload != null) {
            return false;
        }
        if (!canFire()) {
            // A signal that can never fire keeps no listener; report it as registered.
            return true;
        }

        ReentrantLock l = lockForRegistration();
        if (l == FIRED_WITHOUT_LOCK) {
            // Fired before any lock existed; the payload is already visible to the caller,
            // because it was set before the sentinel.
            return false;
        }
        l.lock();
        try {
            // A fire that took this lock before this registration has detached the list for good.
            if (drained) {
                return false;
            }
            listener.owner = this;
            listener.prev = tail;
            if (tail == null) {
                head = listener;
            } else {
                tail.next = listener;
            }
            tail = listener;
            return true;
        } finally {
            l.unlock();
        }
    }

    /**
     * Returns the list lock, installing one if there is none yet; returns
     * {@link #FIRED_WITHOUT_LOCK} if the signal fired first.
     */
    private ReentrantLock lockForRegistration() {
        ReentrantLock existing = lock;
        if (existing != null) {
            return existing;
        }
        ReentrantLock created = new ReentrantLock();
        // Losing this compare-and-set means that another registration installed its lock, which
        // this one then shares, or that fireAndDetach() installed the sentinel. Either value is
        // final.
        if (LOCK.compareAndSet(this, null, created)) {
            return created;
        }
        return lock;
    }

    /**
     * Removes {@code listener} if it is still in the list.
     *
     * @return {@code true} if it was removed, {@code false} if the signal fired and detached it
     */
    final boolean unregister(Listener listener) {
        // Linking needs the lock, so without one no listener was ever in the list: none was
        // registered, or the signal fired before the first registration.
        ReentrantLock l = lock;
        if (l == null || l == FIRED_WITHOUT_LOCK) {
            return false;
        }
        l.lock();
        try {
            if (drained || listener.owner != this) {
                return false;
            }
            Listener prev = listener.prev;
            Listener next = listener.next;
            if (prev == null) {
                head = next;
            } else {
                prev.next = next;
            }
            if (next == null) {
                tail = prev;
            } else {
                next.prev = prev;
            }
            listener.prev = null;
            listener.next = null;
            listener.owner = null;
            return true;
        } finally {
            l.unlock();
        }
    }

    /** Returns how many listeners wait on this signal; for tests and diagnostics. */
    final int listenerCount() {
        ReentrantLock l = lock;
        if (l == null || l == FIRED_WITHOUT_LOCK) {
            return 0;
        }
        l.lock();
        try {
            int count = 0;
            for (Listener node = head; node != null; node = node.next) {
                count++;
            }
            return count;
        } finally {
            l.unlock();
        }
    }

    /** Returns whether this signal can ever fire; listeners are kept only if it can. */
    boolean canFire() {
        return true;
    }

    /**
     * Called on the waiting thread before it parks; a context links itself to its parent here,
     * so that only contexts someone waits on cost their parent anything.
     */
    void beforeWait() {
    }

    private boolean awaitNanos(long timeoutNanos, boolean timed) throws InterruptedException {
        beforeWait();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        ParkingListener waiter = new ParkingListener(Thread.currentThread());
        if (!register(waiter)) {
            return true;
        }
        try {
            long deadline = timed ? System.nanoTime() + timeoutNanos : 0L;
            while (!isFired()) {
                if (timed) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        return false;
                    }
                    LockSupport.parkNanos(this, remaining);
                } else {
                    LockSupport.park(this);
                }
                if (Thread.interrupted()) {
                    if (isFired()) {
                        // Fired and interrupted at once: report the signal, keep the interrupt.
                        Thread.currentThread().interrupt();
                        return true;
                    }
                    throw new InterruptedException();
                }
            }
            return true;
        } finally {
            unregister(waiter);
        }
    }

    /** A node of the listener list; each subclass defines what firing does for it. */
    abstract static class Listener {
        /** Marks a fire that lost the race: the signal had fired before. */
        static final Listener NOT_FIRED = new Listener() {
            @Override
            void fired() {
            }
        };

        // @GuardedBy("owner.lock")
        Done owner;
        // @GuardedBy("owner.lock"), or owned by the firing thread once the list is detached.
        Listener prev;
        Listener next;

        abstract void fired();

        final void runSafely() {
            try {
                fired();
            } catch (Throwable t) {
                Log.callbackFailed(this, t);
            }
        }
    }

    private static final class ParkingListener extends Listener {
        private final Thread thread;

        ParkingListener(Thread thread) {
            this.thread = thread;
        }

        @Override
        void fired() {
            LockSupport.unpark(thread);
        }
    }

    private final class CallbackListener extends Listener implements Registration {
        private final Runnable callback;
        /** Set once, by whichever of fired() and stop() comes first; read through CLAIMED. */
        @SuppressWarnings("unused")
        private volatile boolean claimed;

        CallbackListener(Runnable callback) {
            this.callback = callback;
        }

        @Override
        void fired() {
            if (CLAIMED.compareAndSet(this, false, true)) {
                callback.run();
            }
        }

        @Override
        public boolean stop() {
            if (!CLAIMED.compareAndSet(this, false, true)) {
                return false;
            }
            unregister(this);
            return true;
        }
    }

    private static final VarHandle PAYLOAD;
    private static final VarHandle LOCK;
    private static final VarHandle STAGE;
    private static final VarHandle CLAIMED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PAYLOAD = lookup.findVarHandle(Done.class, "payload", Object.class);
            LOCK = lookup.findVarHandle(Done.class, "lock", ReentrantLock.class);
            STAGE = lookup.findVarHandle(Done.class, "stage", CompletionStage.class);
            CLAIMED = lookup.findVarHandle(CallbackListener.class, "claimed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
