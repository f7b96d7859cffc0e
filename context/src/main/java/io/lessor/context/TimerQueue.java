package io.lessor.context;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The pending timers of {@link SystemClock} and the one daemon platform thread that runs them.
 * Scheduling and cancelling never take a lock and never wait for the timer thread, so threads
 * that create and cancel timeouts do not contend on one queue lock.
 *
 * <p>Thread-safety: {@link #schedule(long, Runnable)} and {@link Entry#cancel()} may be called
 * from any thread; everything else runs on the timer thread.
 */
final class TimerQueue {

    /*
     * Implementation notes.
     *
     * Intake. A new entry is pushed onto a lock-free stack (`intake`, a Treiber stack linked
     * through Entry.nextInIntake), which costs one compare-and-set and no allocation beyond the
     * entry. The timer thread takes the whole stack with one getAndSet and reverses it, so that
     * entries with equal deadlines run in the order they were scheduled. It then moves them into
     * a binary min-heap that only it touches (`heap`, ordered by deadline, then by sequence).
     *
     * Wake-ups. The timer thread publishes the deadline it parks until (`wakeAtNanos`) before it
     * checks the intake one last time and parks. A scheduler pushes first and reads
     * `wakeAtNanos` second, and unparks the thread only if its deadline comes earlier. Both sides
     * use volatile accesses, so either the scheduler sees the new wake-up time or the timer
     * thread sees the pushed entry: no early deadline is missed. The thread is also unparked
     * every INTAKE_BATCH pushes, so that the intake stays short when timers are scheduled far
     * ahead and cancelled soon, which is what timeouts usually are.
     *
     * Cancellation. An entry moves through its states by compare-and-set:
     *
     *   IN_INTAKE ──drain──▶ IN_HEAP ──due──▶ FIRED
     *       │                   │
     *       └──cancel──▶ CANCELLED ◀──cancel──┘
     *
     * Cancelling only marks the entry. An entry cancelled in the intake is dropped when the
     * timer thread drains it. An entry cancelled in the heap stays there until it reaches the
     * top or until a purge: when cancelled entries are more than half of the heap (and more than
     * PURGE_MIN), the cancelling thread unparks the timer thread, which rebuilds the heap without
     * them in linear time. So the heap holds at most about twice the live timers, plus PURGE_MIN.
     *
     * Deadlines are System.nanoTime() readings and are compared as differences. Delays are
     * clamped to Timeouts.MAX_DELAY_NANOS, so every two deadlines differ by less than half the
     * range of a long.
     */

    /** The number of pushes after which a scheduler wakes the timer thread to drain the intake. */
    static final int INTAKE_BATCH = 1024;

    /** The fewest cancelled heap entries that trigger a purge, so that small heaps are not rebuilt often. */
    static final int PURGE_MIN = 1024;

    private static final int IN_INTAKE = 0;
    private static final int IN_HEAP = 1;
    private static final int FIRED = 2;
    private static final int CANCELLED = 3;

    /** The top of the intake stack, or {@code null}; pushed by any thread, taken by the timer thread. */
    private volatile Entry intake;

    /** The deadline the timer thread parks until; a scheduler with an earlier one unparks it. */
    private volatile long wakeAtNanos;

    /** The number of cancelled entries still in the heap; raised by cancellers, lowered by the timer thread. */
    private final AtomicInteger cancelledInHeap = new AtomicInteger();

    /** The heap's size, published by the timer thread so that cancellers can decide on a purge. */
    private volatile int publishedHeapSize;

    /** Whether {@link #shutdown()} was called; the timer thread exits at its next pass. */
    private volatile boolean stopping;

    private final Thread thread;

    // Owned by the timer thread.
    private Entry[] heap = new Entry[64];
    private int heapSize;
    private long nextSequence;

    private TimerQueue(String threadName) {
        this.wakeAtNanos = System.nanoTime() + Timeouts.MAX_DELAY_NANOS;
        this.thread = new Thread(this::runLoop, threadName);
        this.thread.setDaemon(true);
    }

    /** Creates a queue and starts its daemon platform timer thread, named {@code threadName}. */
    static TimerQueue start(String threadName) {
        TimerQueue queue = new TimerQueue(threadName);
        queue.thread.start();
        return queue;
    }

    /**
     * Schedules {@code action} to run on the timer thread {@code delayNanos} from now.
     *
     * @param delayNanos the delay; zero or less runs the action as soon as possible, and delays
     *     beyond {@link Timeouts#MAX_DELAY_NANOS} are cut to it
     */
    Entry schedule(long delayNanos, Runnable action) {
        long boundedDelayNanos = Math.min(Math.max(0, delayNanos), Timeouts.MAX_DELAY_NANOS);
        Entry entry = new Entry(this, action, System.nanoTime() + boundedDelayNanos);

        // Push. The entry's depth counts the entries below it and itself, so the scheduler of
        // every INTAKE_BATCH-th entry wakes the timer thread without a shared counter.
        Entry top;
        do {
            top = intake;
            entry.nextInIntake = top;
            entry.intakeDepth = top == null ? 1 : top.intakeDepth + 1;
        } while (!INTAKE.compareAndSet(this, top, entry));

        // Read after the push; see the notes on wake-ups.
        if (entry.deadlineNanos - wakeAtNanos < 0 || entry.intakeDepth % INTAKE_BATCH == 0) {
            LockSupport.unpark(thread);
        }
        return entry;
    }

    /**
     * Returns the number of entries in the heap, cancelled ones included, as of the timer
     * thread's last pass; for tests and diagnostics.
     */
    int heapEntryCount() {
        return publishedHeapSize;
    }

    /** Returns whether no entry waits in the intake stack; for tests and diagnostics. */
    boolean isIntakeEmpty() {
        return intake == null;
    }

    /** Wakes the timer thread, so that it drains the intake and purges cancelled entries. */
    void wake() {
        LockSupport.unpark(thread);
    }

    /**
     * Stops the timer thread and waits for it to end; pending entries never run. The system
     * clock's queue is never shut down, and tests shut down the queues they start.
     */
    void shutdown() throws InterruptedException {
        stopping = true;
        LockSupport.unpark(thread);
        thread.join();
    }

    private void onCancelledInHeap() {
        int cancelled = cancelledInHeap.incrementAndGet();
        if (cancelled > PURGE_MIN && cancelled > publishedHeapSize / 2) {
            LockSupport.unpark(thread);
        }
    }

    // ---- the timer thread ---------------------------------------------------------------------

    private void runLoop() {
        while (!stopping) {
            drainIntake();
            purgeIfMostlyCancelled();
            runDueEntries();

            long now = System.nanoTime();
            long wakeAt = heapSize == 0 ? now + Timeouts.MAX_DELAY_NANOS : heap[0].deadlineNanos;
            wakeAtNanos = wakeAt;
            publishedHeapSize = heapSize;

            // Checked after wakeAtNanos is published; see the notes on wake-ups.
            if (intake != null || stopping) {
                continue;
            }
            long parkNanos = wakeAt - now;
            if (parkNanos > 0) {
                LockSupport.parkNanos(this, parkNanos);
            }
            // Interrupts do not stop the timer thread; clear one so that parking keeps working.
            Thread.interrupted();
        }
    }

    private void drainIntake() {
        Entry taken = (Entry) INTAKE.getAndSet(this, null);

        // Reverse the stack, so that entries with equal deadlines get sequences in push order.
        Entry ordered = null;
        while (taken != null) {
            Entry next = taken.nextInIntake;
            taken.nextInIntake = ordered;
            ordered = taken;
            taken = next;
        }

        while (ordered != null) {
            Entry entry = ordered;
            ordered = entry.nextInIntake;
            entry.nextInIntake = null;
            // A cancelled entry fails this compare-and-set and is dropped here.
            if (STATE.compareAndSet(entry, IN_INTAKE, IN_HEAP)) {
                entry.sequence = nextSequence++;
                offer(entry);
            }
        }
    }

    private void purgeIfMostlyCancelled() {
        int cancelled = cancelledInHeap.get();
        if (cancelled <= PURGE_MIN || cancelled <= heapSize / 2) {
            return;
        }

        // Subtract the removed entries rather than reset the count, because entries may be
        // cancelled while the purge runs. Those stay counted until a later purge or until they
        // reach the top of the heap.
        int kept = 0;
        int removed = 0;
        for (int i = 0; i < heapSize; i++) {
            Entry entry = heap[i];
            if (entry.state == CANCELLED) {
                removed++;
            } else {
                heap[kept++] = entry;
            }
        }
        Arrays.fill(heap, kept, heapSize, null);
        heapSize = kept;
        cancelledInHeap.addAndGet(-removed);
        for (int i = (heapSize >>> 1) - 1; i >= 0; i--) {
            siftDown(i);
        }
        if (heap.length > 64 && heapSize < heap.length / 4) {
            heap = Arrays.copyOf(heap, Math.max(64, heap.length / 2));
        }
    }

    private void runDueEntries() {
        while (heapSize > 0) {
            Entry top = heap[0];
            if (top.state == CANCELLED) {
                poll();
                cancelledInHeap.decrementAndGet();
                continue;
            }
            if (top.deadlineNanos - System.nanoTime() > 0) {
                return;
            }
            poll();
            if (STATE.compareAndSet(top, IN_HEAP, FIRED)) {
                top.fire();
            } else {
                // Cancelled between the check above and the compare-and-set.
                cancelledInHeap.decrementAndGet();
            }
        }
    }

    // ---- the heap, owned by the timer thread ----------------------------------------------------

    private void offer(Entry entry) {
        if (heapSize == heap.length) {
            heap = Arrays.copyOf(heap, heap.length * 2);
        }
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(entry, heap[parent])) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = entry;
    }

    private void poll() {
        int last = --heapSize;
        Entry moved = heap[last];
        heap[last] = null;
        if (last > 0) {
            heap[0] = moved;
            siftDown(0);
        }
    }

    private void siftDown(int index) {
        Entry entry = heap[index];
        int i = index;
        int half = heapSize >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < heapSize && before(heap[right], heap[child])) {
                child = right;
            }
            if (!before(heap[child], entry)) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = entry;
    }

    private static boolean before(Entry a, Entry b) {
        long differenceNanos = a.deadlineNanos - b.deadlineNanos;
        if (differenceNanos != 0) {
            return differenceNanos < 0;
        }
        return a.sequence < b.sequence;
    }

    /** One scheduled action; it is its own node in the intake stack and in the heap. */
    static final class Entry implements Clock.Timer {
        private final TimerQueue queue;
        private final Runnable action;
        private final Diagnostics.Handle handle;
        final long deadlineNanos;

        /** One of IN_INTAKE, IN_HEAP, FIRED, CANCELLED; changed only through STATE. */
        volatile int state;

        // Written before the push that publishes the entry, then owned by the timer thread.
        Entry nextInIntake;
        int intakeDepth;
        long sequence;

        Entry(TimerQueue queue, Runnable action, long deadlineNanos) {
            this.queue = queue;
            this.action = action;
            this.deadlineNanos = deadlineNanos;
            // With tracking off this is one volatile read. The action's name is built only when a
            // leak is reported.
            this.handle = Diagnostics.track(Diagnostics.Kind.TIMER, action, null);
        }

        @Override
        public boolean cancel() {
            while (true) {
                int current = state;
                if (current == FIRED || current == CANCELLED) {
                    return false;
                }
                if (STATE.compareAndSet(this, current, CANCELLED)) {
                    Diagnostics.release(handle);
                    if (current == IN_HEAP) {
                        queue.onCancelledInHeap();
                    }
                    return true;
                }
            }
        }

        /** Runs the action on the timer thread; an exception is logged and does not stop the thread. */
        private void fire() {
            Diagnostics.release(handle);
            try {
                action.run();
            } catch (Throwable t) {
                Log.callbackFailed(action, t);
            }
        }
    }

    private static final VarHandle INTAKE;
    private static final VarHandle STATE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            INTAKE = lookup.findVarHandle(TimerQueue.class, "intake", Entry.class);
            STATE = lookup.findVarHandle(Entry.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
