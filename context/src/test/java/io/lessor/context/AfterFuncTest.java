package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Go's AfterFunc: when the function runs, where, and what stop returns. */
@ExtendWith(LeakCheck.class)
class AfterFuncTest {

    private final Context root = Context.root(new ManualClock());

    @Test
    void stopReturnsTrueThenFalse() {
        AtomicInteger runs = new AtomicInteger();
        CancelableContext ctx = root.withCancel();
        Registration registration = ctx.afterFunc(runs::incrementAndGet);

        boolean first = registration.stop();
        boolean second = registration.stop();
        ctx.cancel();
        boolean afterCancel = registration.stop();

        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(afterCancel).isFalse();
        assertThat(runs).hasValue(0);
    }

    @Test
    void stopAfterRunReturnsFalse() throws InterruptedException {
        Signal ran = Signal.create();
        CancelableContext ctx = root.withCancel();
        Registration registration = ctx.afterFunc(ran::fire);

        ctx.cancel();

        assertThat(ran.await(Bounded.LIMIT)).isTrue();
        assertThat(registration.stop()).isFalse();
    }

    @Test
    void runsOnItsOwnThread() throws InterruptedException {
        AtomicReference<Thread> runner = new AtomicReference<>();
        Signal ran = Signal.create();
        CancelableContext ctx = root.withCancel();
        ctx.afterFunc(() -> {
            runner.set(Thread.currentThread());
            ran.fire();
        });

        ctx.cancel();

        assertThat(ran.await(Bounded.LIMIT)).isTrue();
        assertThat(runner.get()).isNotSameAs(Thread.currentThread());
        assertThat(runner.get().isVirtual()).isTrue();
    }

    @Test
    void runsAfterContextEnds() throws InterruptedException {
        AtomicBoolean doneWhenRun = new AtomicBoolean();
        Signal ran = Signal.create();
        CancelableContext ctx = root.withCancel();
        ctx.afterFunc(() -> {
            doneWhenRun.set(ctx.isDone());
            ran.fire();
        });

        ctx.cancel();

        assertThat(ran.await(Bounded.LIMIT)).isTrue();
        assertThat(doneWhenRun).isTrue();
    }

    @Test
    void doneContextRunsAtOnceOnNewThread() throws InterruptedException {
        AtomicReference<Thread> runner = new AtomicReference<>();
        Signal ran = Signal.create();
        CancelableContext ctx = root.withCancel();
        ctx.cancel();

        Registration registration = ctx.afterFunc(() -> {
            runner.set(Thread.currentThread());
            ran.fire();
        });

        assertThat(ran.await(Bounded.LIMIT)).isTrue();
        assertThat(runner.get()).isNotSameAs(Thread.currentThread());
        assertThat(registration.stop()).isFalse();
    }

    @Test
    void runsOnceForManyCancels() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        Signal ran = Signal.create();
        CancelableContext parent = root.withCancel();
        CancelableContext ctx = parent.withCancel();
        ctx.afterFunc(() -> {
            runs.incrementAndGet();
            ran.fire();
        });

        ctx.cancel();
        ctx.cancel(new RuntimeException("again"));
        parent.cancel();

        assertThat(ran.await(Bounded.LIMIT)).isTrue();
        assertThat(runs).hasValue(1);
    }

    @Test
    void parentCancelRunsChildFunc() throws InterruptedException {
        Signal ran = Signal.create();
        CancelableContext parent = root.withCancel();
        Context child = parent.with(Key.named("k"), 1).withCancel();
        child.afterFunc(ran::fire);

        parent.cancel();

        assertThat(ran.await(Bounded.LIMIT)).isTrue();
    }

    @Test
    void stopDoesNotWaitForRunningFunc() throws InterruptedException {
        Signal started = Signal.create();
        Signal release = Signal.create();
        Signal finished = Signal.create();
        CancelableContext ctx = root.withCancel();
        Registration registration = ctx.afterFunc(() -> {
            started.fire();
            release.awaitUninterruptibly();
            finished.fire();
        });
        ctx.cancel();
        assertThat(started.await(Bounded.LIMIT)).isTrue();

        AtomicReference<Boolean> stopResult = new AtomicReference<>();
        Thread stopper = Thread.ofVirtual().start(() -> stopResult.set(registration.stop()));
        stopper.join(Bounded.LIMIT);
        boolean stopperWasDone = !stopper.isAlive();
        release.fire();

        assertThat(stopperWasDone).isTrue();
        assertThat(stopResult.get()).isFalse();
        assertThat(finished.await(Bounded.LIMIT)).isTrue();
    }

    @Test
    void backgroundFuncNeverRuns() {
        AtomicInteger runs = new AtomicInteger();

        Registration registration = Context.background().afterFunc(runs::incrementAndGet);

        assertThat(registration.stop()).isTrue();
        assertThat(runs).hasValue(0);
    }
}
