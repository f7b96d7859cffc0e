package io.lessor.context;

/**
 * A unit of work that runs under a context: the body of a {@link TaskGroup} task or of a
 * {@link Worker}. It should return, or throw, soon after {@code ctx} ends; the library also
 * interrupts its thread then.
 */
@FunctionalInterface
public interface Task {

    /**
     * Runs the work.
     *
     * @param ctx the context to watch; it ends when the task should stop
     * @throws Exception any failure; a {@link TaskGroup} cancels its other tasks with it as the
     *     cause
     */
    void run(Context ctx) throws Exception;
}
