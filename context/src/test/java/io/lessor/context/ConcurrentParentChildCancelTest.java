package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A parent and its child cancelled at the same moment from many threads, with watched and
 * unwatched grandchildren: everything ends, with one of the two causes, and nothing throws.
 */
@ExtendWith(LeakCheck.class)
class ConcurrentParentChildCancelTest {

    private static final int ROUNDS = 500;
    private static final int THREADS = 4;
    private static final int GRANDCHILDREN = 8;

    private final Context root = Context.root(new ManualClock());

    @Test
    void everythingEndsWithOneCause() throws Exception {
        RuntimeException parentCause = new RuntimeException("parent");
        RuntimeException childCause = new RuntimeException("child");
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        int notDone = 0;
        int unknownCause = 0;
        int parentLostCause = 0;
        int grandchildDiffers = 0;
        int grandchildNotFired = 0;

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                CancelableContext parent = root.withCancel();
                CancelableContext child = parent.withCancel();
                List<Context> grandchildren = new ArrayList<>();
                List<Done> watched = new ArrayList<>();
                for (int g = 0; g < GRANDCHILDREN; g++) {
                    Context grandchild = g % 2 == 0
                            ? child.withCancel()
                            : child.with(Key.named("g" + g), g).withCancel();
                    if (g < GRANDCHILDREN / 2) {
                        watched.add(grandchild.done());
                    }
                    grandchildren.add(grandchild);
                }

                CyclicBarrier start = new CyclicBarrier(THREADS);
                List<Future<?>> cancels = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    CancelableContext target = t % 2 == 0 ? parent : child;
                    RuntimeException cause = t % 2 == 0 ? parentCause : childCause;
                    cancels.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        target.cancel(cause);
                        return null;
                    }));
                }
                for (Future<?> cancel : cancels) {
                    try {
                        cancel.get(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        failures.add(e);
                    }
                }

                Throwable seenChildCause = child.cause();
                if (!parent.isDone() || !child.isDone()) {
                    notDone++;
                }
                if (parent.cause() != parentCause) {
                    parentLostCause++;
                }
                if (seenChildCause != parentCause && seenChildCause != childCause) {
                    unknownCause++;
                }
                for (Context grandchild : grandchildren) {
                    if (!grandchild.isDone()) {
                        notDone++;
                    }
                    if (grandchild.cause() != seenChildCause) {
                        grandchildDiffers++;
                    }
                }
                for (Done done : watched) {
                    if (!done.isFired()) {
                        grandchildNotFired++;
                    }
                }
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(failures).isEmpty();
        assertThat(notDone).isZero();
        assertThat(parentLostCause).isZero();
        assertThat(unknownCause).isZero();
        assertThat(grandchildDiffers).isZero();
        assertThat(grandchildNotFired).isZero();
    }
}
