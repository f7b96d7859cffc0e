package io.lessor.context;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thread that the library starts for one task, and the only kind of thread the library ever
 * interrupts. It is virtual unless the task requests a platform thread.
 *
 * <pre>
 *   RUNNING --interruptIfRunning()--> INTERRUPTING --(interrupt sent)--> RUNNING
 *      |
 *      '--body returned or threw--> FINISHED
 * </pre>
 *
 * An interrupt is sent only in RUNNING, and FINISHED is entered only from RUNNING, so an
 * interrupt never arrives after the body has returned; the runner clears any interrupt that the
 * body left, before the thread ends.
 */
final class TaskThread implements Runnable {

    private static final int RUNNING = 0;
    private static final int INTERRUPTING = 1;
    private static final int FINISHED = 2;

    private final String name;
    private final Runnable body;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final Signal finished = Signal.create();
    private final Diagnostics.Handle handle;
    private final Thread thread;

    private TaskThread(String name, Runnable body, boolean platform) {
        this.name = name;
        this.body = body;
        this.handle = Diagnostics.track(Diagnostics.Kind.TASK, name, null);
        // A platform task thread is a daemon, like a virtual one, so it does not keep the JVM running.
        this.thread = platform
                ? Thread.ofPlatform().name(name).daemon(true).unstarted(this)
                : Thread.ofVirtual().name(name).unstarted(this);
        if (handle != null) {
            handle.thread = thread;
        }
    }

    /** Starts {@code body} on a new virtual thread named {@code name}. */
    static TaskThread start(String name, Runnable body) {
        return start(name, body, false);
    }

    /** Starts {@code body} on a new thread named {@code name}: a platform thread if {@code platform}. */
    static TaskThread start(String name, Runnable body, boolean platform) {
        TaskThread task = new TaskThread(name, body, platform);
        task.thread.start();
        return task;
    }

    @Override
    public void run() {
        try {
            Diagnostics.runAttributed(handle, body);
        } finally {
            while (!state.compareAndSet(RUNNING, FINISHED)) {
                // An interrupt is being delivered; it takes a few instructions.
                Thread.onSpinWait();
            }
            Thread.interrupted();
            Diagnostics.release(handle);
            finished.fire();
        }
    }

    /** Interrupts the thread if its body is still running. */
    void interruptIfRunning() {
        if (state.compareAndSet(RUNNING, INTERRUPTING)) {
            thread.interrupt();
            state.set(RUNNING);
        }
    }

    /** Returns the signal that fires when the thread has finished its body. */
    Done finished() {
        return finished;
    }

    /** Waits for the thread to exit; an interrupt of the caller is restored afterwards. */
    void joinUninterruptibly() {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    Thread thread() {
        return thread;
    }
}
