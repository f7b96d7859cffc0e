package io.lessor.server.consensus;

import io.lessor.context.Context;
import io.lessor.context.Worker;
import io.lessor.server.EtcdError;
import io.lessor.server.apply.GroupApplier;
import io.lessor.server.apply.Command;
import io.lessor.server.apply.Proposal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proposer of a single node: a bounded queue and one writer thread that applies with group
 * commit. Each round the writer takes everything queued (up to {@code maxGroupSize}), applies it
 * in order and syncs it as one storage batch, so the number of syncs adapts to the load: one per
 * request when idle, one per thousands under pressure.
 *
 * <p>The writer is a platform thread: the synced storage write is a native call that lasts as
 * long as the disk's flush, and a virtual thread would hold one of the few carrier threads that
 * the gRPC handlers run on for all that time.
 *
 * <p>Back-pressure: when {@code maxPending} commands wait, {@link #propose} fails at once with
 * {@code TOO_MANY_REQUESTS}, as etcd does when its applied index falls too far behind.
 *
 * <p>Futures complete on the writer thread, after the group is durable; code chained on them
 * without an executor runs there and delays the next group, so it must be short.
 *
 * <p>If storage fails, the writer fails the group and everything queued with
 * {@code SERVER_STOPPED}, logs the error and stops: memory may then hold changes that storage
 * does not, so nothing more may be applied.
 *
 * <pre>
 *   RUNNING --close()--> CLOSING --group finished, queue failed--> STOPPED
 *      '--storage failure------------------------------------------^
 * </pre>
 */
public final class SingleNodeProposer implements Proposer {

    private static final Logger LOG = LoggerFactory.getLogger(SingleNodeProposer.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final GroupApplier applier;
    private final int maxPending;
    private final int maxGroupSize;
    private final Worker writer;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    // @GuardedBy("lock")
    private final ArrayDeque<Proposal<?>> queue = new ArrayDeque<>();
    // @GuardedBy("lock")
    private boolean closing;

    /**
     * Starts the writer under {@code parent}.
     *
     * @param maxPending how many commands may wait before proposals fail with TOO_MANY_REQUESTS
     * @param maxGroupSize the maximum number of commands in one group commit
     */
    public SingleNodeProposer(Context parent, GroupApplier applier, int maxPending, int maxGroupSize) {
        if (maxPending < 1 || maxGroupSize < 1) {
            throw new IllegalArgumentException("maxPending and maxGroupSize must be positive, got "
                    + maxPending + " and " + maxGroupSize);
        }
        this.applier = applier;
        this.maxPending = maxPending;
        this.maxGroupSize = maxGroupSize;
        this.writer = Worker.startPlatform(parent, "lessor-writer", ctx -> {
            // The end of the parent context stops the writer the way close() does.
            var onCancel = ctx.done().onFire(this::beginClosing);
            try {
                runWriter();
            } finally {
                onCancel.stop();
            }
        });
    }

    @Override
    public <R> CompletableFuture<R> propose(Command<R> command) {
        Proposal<R> proposal = Proposal.of(command);
        lock.lock();
        try {
            if (closing) {
                return CompletableFuture.failedFuture(EtcdError.SERVER_STOPPED.exception());
            }
            if (queue.size() >= maxPending) {
                return CompletableFuture.failedFuture(EtcdError.TOO_MANY_REQUESTS.exception());
            }
            queue.addLast(proposal);
            if (queue.size() == 1) {
                notEmpty.signal();
            }
        } finally {
            lock.unlock();
        }
        return proposal.future();
    }

    private void runWriter() {
        List<Proposal<?>> group = new ArrayList<>();
        while (true) {
            group.clear();
            List<Proposal<?>> rejected = null;
            lock.lock();
            try {
                while (queue.isEmpty() && !closing) {
                    // Stopping is by `closing`, never by interrupt, so a group is never cut short.
                    notEmpty.awaitUninterruptibly();
                }
                if (closing) {
                    rejected = drainQueue();
                } else {
                    while (!queue.isEmpty() && group.size() < maxGroupSize) {
                        group.add(queue.pollFirst());
                    }
                }
            } finally {
                lock.unlock();
            }
            if (rejected != null) {
                failAll(rejected);
                return;
            }

            try {
                applier.applyGroup(group);
            } catch (RuntimeException | Error e) {
                LOG.error("proposer: applying a group of {} commands failed; stopping all writes", group.size(), e);
                failAll(group);
                lock.lock();
                try {
                    closing = true;
                    rejected = drainQueue();
                } finally {
                    lock.unlock();
                }
                failAll(rejected);
                return;
            }
        }
    }

    private List<Proposal<?>> drainQueue() {
        assert lock.isHeldByCurrentThread();
        List<Proposal<?>> drained = new ArrayList<>(queue);
        queue.clear();
        return drained;
    }

    private static void failAll(List<Proposal<?>> proposals) {
        for (Proposal<?> proposal : proposals) {
            proposal.future().completeExceptionally(EtcdError.SERVER_STOPPED.exception());
        }
    }

    private void beginClosing() {
        lock.lock();
        try {
            closing = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Returns whether the writer has stopped, after {@link #close()} or a storage failure. */
    public boolean isStopped() {
        return writer.isStopped();
    }

    @Override
    public void close() {
        beginClosing();
        // The writer checks `closing` after its current group, so it stops only between groups.
        try {
            if (!writer.stopped().await(STOP_GRACE)) {
                LOG.warn("proposer: writer still busy {} ms after close; interrupting it", STOP_GRACE.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
    }
}
