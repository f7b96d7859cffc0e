package io.lessor.context;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A group of tasks, each on its own named virtual thread, that succeed or fail together: Go's
 * {@code errgroup.WithContext}. The first task to fail cancels the group's context, with its
 * failure as the cause, and every other task is interrupted; {@link #await()} waits for all of
 * them and reports that first failure.
 *
 * <pre>{@code
 * try (TaskGroup group = TaskGroup.open(ctx, "pipeline")) {
 *     group.go("producer", c -> produce(c, queue));
 *     group.go("consumer", c -> consume(c, queue));
 *     group.await();                    // throws ExecutionException if a task failed
 * }                                     // close(): cancel, interrupt, join; nothing outlives the block
 * }</pre>
 *
 * <p>Any exception a task throws counts as a failure, as any error returned to errgroup does; a
 * task that stops because its context ended should return normally, or {@link #await()}
 * reports its {@link ContextDoneException} or {@link InterruptedException} when it is the first.
 *
 * <p>Lifecycle: {@link #go} may be called until {@link #close()}, also from inside a task. After
 * {@code await()} returns, the group's context is cancelled, as errgroup's {@code Wait} does.
 * {@code close()} cancels the context and then waits for every task without a time bound, so a
 * task that ignores both its context and interrupts keeps {@code close()} waiting; use a
 * {@link Worker} where a bounded stop is needed.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public final class TaskGroup implements AutoCloseable {

    private final String name;
    private final CancelableContext context;
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private final Registration interrupter;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition allFinished = lock.newCondition();
    // @GuardedBy("lock")
    private final Set<TaskThread> running = new LinkedHashSet<>();
    // @GuardedBy("lock"): tasks whose body has returned but whose thread may not have exited yet.
    private final List<TaskThread> exiting = new ArrayList<>();
    // @GuardedBy("lock")
    private boolean closed;

    private TaskGroup(Context parent, String name) {
        this.name = Objects.requireNonNull(name, "name");
        this.context = parent.withCancel();
        this.interrupter = context.done().onFire(this::interruptAll);
    }

    /** Opens a group named {@code "tasks"} whose context is a child of {@code parent}. */
    public static TaskGroup open(Context parent) {
        return open(parent, "tasks");
    }

    /**
     * Opens a group whose context is a child of {@code parent}; task threads are named
     * {@code name/taskName}.
     */
    public static TaskGroup open(Context parent, String name) {
        return new TaskGroup(Objects.requireNonNull(parent, "parent"), name);
    }

    /** Returns the group's context, which ends at the first failure, at close, or with the parent. */
    public Context context() {
        return context;
    }

    /**
     * Starts {@code task} on a new virtual thread named {@code groupName/taskName}. A task that
     * starts after the group's context has ended still runs, and sees that context as done.
     *
     * @throws IllegalStateException if the group is closed
     */
    public void go(String taskName, Task task) {
        Objects.requireNonNull(taskName, "taskName");
        Objects.requireNonNull(task, "task");
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("task group " + name + " is closed; cannot start task " + taskName);
            }
            TaskThread[] self = new TaskThread[1];
            self[0] = TaskThread.start(name + "/" + taskName, () -> runTask(self, task));
            running.add(self[0]);
        } finally {
            lock.unlock();
        }
    }

    private void runTask(TaskThread[] self, Task task) {
        try {
            task.run(context);
        } catch (Throwable failure) {
            if (firstFailure.compareAndSet(null, failure)) {
                context.cancel(failure);
            }
        } finally {
            lock.lock();
            try {
                // `self[0]` is set by go() before it releases the lock this block takes.
                running.remove(self[0]);
                // close() joins this thread, which has a few steps left. Dropping the threads that
                // have exited since keeps the list short in a group that lives long.
                exiting.removeIf(other -> !other.thread().isAlive());
                exiting.add(self[0]);
                if (running.isEmpty()) {
                    allFinished.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Waits until every task has finished, then cancels the group's context.
     *
     * @throws ExecutionException with the first failure as its cause, if a task failed
     * @throws InterruptedException if the waiting thread is interrupted; the tasks go on
     */
    public void await() throws InterruptedException, ExecutionException {
        lock.lock();
        try {
            while (!running.isEmpty()) {
                allFinished.await();
            }
        } finally {
            lock.unlock();
        }
        context.cancel();
        Throwable failure = firstFailure.get();
        if (failure != null) {
            throw new ExecutionException("task group " + name + " failed: " + failure, failure);
        }
    }

    /** Returns the first failure of a task, or {@code null} if none has failed. */
    public Throwable failure() {
        return firstFailure.get();
    }

    /**
     * Cancels the group's context, which interrupts every running task, and waits for all of them
     * to finish; an interrupt of the closing thread is kept for later and does not cut the wait
     * short. Idempotent.
     *
     * @throws IllegalStateException if called from one of the group's running tasks, which would
     *     wait for itself forever; the group is left unchanged. A task that wants the group to
     *     stop returns or throws, or cancels {@link #context()}.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (isRunningTask(Thread.currentThread())) {
                throw new IllegalStateException("task group " + name + " cannot be closed from its own task "
                        + Thread.currentThread().getName() + ", which close() would wait for; call close() from"
                        + " outside the group");
            }
            closed = true;
        } finally {
            lock.unlock();
        }
        context.cancel();
        List<TaskThread> toJoin;
        lock.lock();
        try {
            while (!running.isEmpty()) {
                allFinished.awaitUninterruptibly();
            }
            // Closed with no task running, so no task can start: `exiting` holds every thread
            // left, including those of tasks that returned before close() began.
            toJoin = new ArrayList<>(exiting);
            exiting.clear();
        } finally {
            lock.unlock();
        }
        // The bodies have returned; wait for their threads to exit too, so none outlives close().
        for (TaskThread task : toJoin) {
            task.joinUninterruptibly();
        }
        interrupter.stop();
    }

    private boolean isRunningTask(Thread thread) {
        assert lock.isHeldByCurrentThread();
        for (TaskThread task : running) {
            if (task.thread() == thread) {
                return true;
            }
        }
        return false;
    }

    private void interruptAll() {
        List<TaskThread> snapshot;
        lock.lock();
        try {
            snapshot = new ArrayList<>(running);
        } finally {
            lock.unlock();
        }
        for (TaskThread task : snapshot) {
            task.interruptIfRunning();
        }
    }

    @Override
    public String toString() {
        return "TaskGroup[" + name + "]";
    }
}
