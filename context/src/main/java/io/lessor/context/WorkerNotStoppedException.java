package io.lessor.context;

/**
 * Thrown by {@link Worker#close()} when the worker's thread is still running after the grace
 * period: its loop ignores both its context and interrupts. The stack trace of this exception is
 * the worker thread's stack at the time, which shows where it is stuck.
 */
public class WorkerNotStoppedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String workerName;

    /**
     * Creates the exception for {@code workerName}, which was still running {@code waitedMillis}
     * after it was asked to stop, with its thread at {@code stuckAt}.
     */
    public WorkerNotStoppedException(String workerName, long waitedMillis, StackTraceElement[] stuckAt) {
        super("worker " + workerName + " did not stop within " + waitedMillis
                + " ms; its loop must return when its context ends (this stack trace is where it runs)");
        this.workerName = workerName;
        setStackTrace(stuckAt);
    }

    /** Returns the name of the worker that did not stop. */
    public String workerName() {
        return workerName;
    }
}
