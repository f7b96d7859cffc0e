package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** TaskGroup: failure handling, cancellation and joining, as Go's errgroup.WithContext. */
@ExtendWith(LeakCheck.class)
class TaskGroupTest {

    private final Context root = Context.root(new ManualClock());
    private final List<Thread> taskThreads = new CopyOnWriteArrayList<>();

    @Test
    void firstFailureCancelsOthersWithCause() throws InterruptedException {
        IllegalStateException failure = new IllegalStateException("replica lost");
        AtomicReference<Throwable> seenByOther = new AtomicReference<>();
        Signal otherWaiting = Signal.create();
        ExecutionException thrown;
        try (TaskGroup group = TaskGroup.open(root, "replication")) {
            group.go("watcher", ctx -> {
                otherWaiting.fire();
                ctx.done().awaitUninterruptibly();
                seenByOther.set(ctx.cause());
            });
            assertThat(otherWaiting.await(Bounded.LIMIT)).isTrue();
            group.go("sender", ctx -> {
                throw failure;
            });

            thrown = catchThrowableOfType(ExecutionException.class, group::await);

            assertThat(group.failure()).isSameAs(failure);
            assertThat(group.context().cause()).isSameAs(failure);
        }

        assertThat(thrown).isNotNull();
        assertThat(thrown.getCause()).isSameAs(failure);
        assertThat(seenByOther.get()).isSameAs(failure);
    }

    @Test
    void awaitWithoutFailureCancelsContext() throws Exception {
        try (TaskGroup group = TaskGroup.open(root)) {
            group.go("quick", ctx -> { });

            group.await();

            assertThat(group.failure()).isNull();
            assertThat(group.context().reason()).isEqualTo(Reason.CANCELED);
        }
    }

    @Test
    void closeCancelsAndJoinsBlockedTasks() {
        Signal[] started = {Signal.create(), Signal.create(), Signal.create()};
        try (TaskGroup group = TaskGroup.open(root, "blocked")) {
            for (int i = 0; i < started.length; i++) {
                Signal ready = started[i];
                group.go("task-" + i, ctx -> {
                    taskThreads.add(Thread.currentThread());
                    ready.fire();
                    ctx.done().await();
                });
            }
            for (Signal ready : started) {
                ready.awaitUninterruptibly();
            }
        }

        assertThat(taskThreads).hasSize(started.length);
        assertThat(taskThreads).noneMatch(Thread::isAlive);
    }

    @Test
    void closeAfterAwaitJoinsTaskThreads() throws Exception {
        for (int round = 0; round < 50; round++) {
            try (TaskGroup group = TaskGroup.open(root, "round-" + round)) {
                for (int i = 0; i < 20; i++) {
                    group.go("task-" + i, ctx -> taskThreads.add(Thread.currentThread()));
                }
                group.await();
            }

            assertThat(taskThreads).noneMatch(Thread::isAlive);
        }
    }

    @Test
    void nestedTasksAreJoined() {
        Signal nestedStarted = Signal.create();
        try (TaskGroup group = TaskGroup.open(root, "outer")) {
            group.go("parent", ctx -> group.go("nested", nestedCtx -> {
                taskThreads.add(Thread.currentThread());
                nestedStarted.fire();
                nestedCtx.done().awaitUninterruptibly();
            }));
            nestedStarted.awaitUninterruptibly();
        }

        assertThat(taskThreads).hasSize(1);
        assertThat(taskThreads).noneMatch(Thread::isAlive);
    }

    @Test
    void goAfterCloseThrows() {
        TaskGroup group = TaskGroup.open(root, "closed-group");
        group.close();

        assertThatIllegalStateException()
                .isThrownBy(() -> group.go("late", ctx -> { }))
                .withMessageContaining("closed-group")
                .withMessageContaining("late");
    }

    @Test
    void parentCancelEndsTasks() throws InterruptedException {
        RuntimeException cause = new RuntimeException("shutdown");
        CancelableContext parent = root.withCancel();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Signal finished = Signal.create();
        try (TaskGroup group = TaskGroup.open(parent)) {
            group.go("waiter", ctx -> {
                ctx.done().awaitUninterruptibly();
                seen.set(ctx.cause());
                finished.fire();
            });

            parent.cancel(cause);

            assertThat(finished.await(Bounded.LIMIT)).isTrue();
            assertThat(seen.get()).isSameAs(cause);
        }
    }

    @Test
    void sleepFailsAfterSwallowedInterrupt() throws InterruptedException {
        CancelableContext parent = root.withCancel();
        Signal blocked = Signal.create();
        AtomicReference<Throwable> sleepFailure = new AtomicReference<>();
        AtomicReference<Boolean> interruptedAfterSwallow = new AtomicReference<>();
        Signal finished = Signal.create();
        try (TaskGroup group = TaskGroup.open(parent)) {
            group.go("swallower", ctx -> {
                blocked.fire();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException swallowed) {
                    // The task ignores the interrupt, as careless code does.
                }
                interruptedAfterSwallow.set(Thread.currentThread().isInterrupted());
                try {
                    ctx.sleep(Duration.ofHours(1));
                } catch (ContextDoneException e) {
                    sleepFailure.set(e);
                }
                finished.fire();
            });
            assertThat(blocked.await(Bounded.LIMIT)).isTrue();

            parent.cancel();

            assertThat(finished.await(Bounded.LIMIT)).isTrue();
        }

        assertThat(interruptedAfterSwallow.get()).isFalse();
        assertThat(sleepFailure.get()).isInstanceOf(ContextDoneException.class);
    }
}
