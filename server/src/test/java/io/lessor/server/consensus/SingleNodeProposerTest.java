package io.lessor.server.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.lessor.api.LeaseRevokeResponse;
import io.lessor.context.Context;
import io.lessor.context.LeakCheck;
import io.lessor.server.EtcdError;
import io.lessor.server.EtcdException;
import io.lessor.server.apply.Command;
import io.lessor.server.apply.GroupApplier;
import io.lessor.server.apply.Proposal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
class SingleNodeProposerTest {

    /** An applier that records the lease ids of each group and completes it, once released. */
    private static final class RecordingApplier implements GroupApplier {
        final List<List<Long>> groups = new CopyOnWriteArrayList<>();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void applyGroup(List<Proposal<?>> group) {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            List<Long> ids = new ArrayList<>();
            for (Proposal<?> proposal : group) {
                ids.add(((Command.LeaseRevoke) proposal.command()).id());
            }
            // Recorded before the futures complete, so a test that joins them finds the group recorded.
            groups.add(ids);
            for (Proposal<?> proposal : group) {
                @SuppressWarnings("unchecked")
                CompletableFuture<LeaseRevokeResponse> future = (CompletableFuture<LeaseRevokeResponse>) proposal.future();
                future.complete(LeaseRevokeResponse.getDefaultInstance());
            }
        }
    }

    private static EtcdError errorOf(CompletableFuture<?> future) {
        Throwable thrown = catchThrowable(future::join);
        assertThat(thrown).isInstanceOf(CompletionException.class);
        return ((EtcdException) thrown.getCause()).error();
    }

    /** Proposes lease 0, waits until the writer is applying it, then proposes ids 1 to {@code count}. */
    private static List<CompletableFuture<?>> queueBehindFirst(SingleNodeProposer proposer, RecordingApplier applier,
            int count) throws InterruptedException {
        proposer.propose(new Command.LeaseRevoke(0));
        assertThat(applier.entered.await(5, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<?>> queued = new ArrayList<>();
        for (long id = 1; id <= count; id++) {
            queued.add(proposer.propose(new Command.LeaseRevoke(id)));
        }
        return queued;
    }

    @Test
    void queuedCommandsFormOneGroupInOrder() throws InterruptedException {
        RecordingApplier applier = new RecordingApplier();
        try (SingleNodeProposer proposer = new SingleNodeProposer(Context.background(), applier, 100, 100)) {
            List<CompletableFuture<?>> queued = queueBehindFirst(proposer, applier, 5);

            applier.release.countDown();
            queued.forEach(CompletableFuture::join);

            assertThat(applier.groups).containsExactly(List.of(0L), List.of(1L, 2L, 3L, 4L, 5L));
        }
    }

    @Test
    void groupSizeIsCapped() throws InterruptedException {
        RecordingApplier applier = new RecordingApplier();
        try (SingleNodeProposer proposer = new SingleNodeProposer(Context.background(), applier, 100, 2)) {
            List<CompletableFuture<?>> queued = queueBehindFirst(proposer, applier, 5);

            applier.release.countDown();
            queued.forEach(CompletableFuture::join);

            assertThat(applier.groups).containsExactly(List.of(0L), List.of(1L, 2L), List.of(3L, 4L), List.of(5L));
        }
    }

    @Test
    void fullQueueFailsFast() throws InterruptedException {
        RecordingApplier applier = new RecordingApplier();
        try (SingleNodeProposer proposer = new SingleNodeProposer(Context.background(), applier, 2, 100)) {
            List<CompletableFuture<?>> queued = queueBehindFirst(proposer, applier, 3);

            assertThat(errorOf(queued.get(2))).isEqualTo(EtcdError.TOO_MANY_REQUESTS);
            applier.release.countDown();
            queued.get(0).join();
            queued.get(1).join();
        }
    }

    @Test
    void closeFinishesTheGroupAndFailsTheQueue() throws InterruptedException {
        RecordingApplier applier = new RecordingApplier();
        SingleNodeProposer proposer = new SingleNodeProposer(Context.background(), applier, 100, 100);
        List<CompletableFuture<?>> queued = queueBehindFirst(proposer, applier, 1);

        Thread closer = Thread.ofVirtual().start(proposer::close);
        await().until(() -> errorOf(proposer.propose(new Command.LeaseRevoke(9))) == EtcdError.SERVER_STOPPED);
        applier.release.countDown();
        closer.join();

        assertThat(applier.groups).containsExactly(List.of(0L));
        assertThat(errorOf(queued.get(0))).isEqualTo(EtcdError.SERVER_STOPPED);
        assertThat(proposer.isStopped()).isTrue();
    }

    @Test
    void applyFailureStopsTheWriter() {
        GroupApplier failing = group -> {
            throw new IllegalStateException("storage failed");
        };
        try (SingleNodeProposer proposer = new SingleNodeProposer(Context.background(), failing, 100, 100)) {
            CompletableFuture<?> future = proposer.propose(new Command.LeaseRevoke(0));

            assertThat(errorOf(future)).isEqualTo(EtcdError.SERVER_STOPPED);
            await().until(proposer::isStopped);
            assertThat(errorOf(proposer.propose(new Command.LeaseRevoke(1)))).isEqualTo(EtcdError.SERVER_STOPPED);
        }
    }

    @Test
    void parentCancelStopsTheWriter() {
        RecordingApplier applier = new RecordingApplier();
        applier.release.countDown();
        try (var parent = Context.background().withCancel();
                SingleNodeProposer proposer = new SingleNodeProposer(parent, applier, 100, 100)) {
            proposer.propose(new Command.LeaseRevoke(0)).join();

            parent.cancel();

            await().until(proposer::isStopped);
            assertThat(errorOf(proposer.propose(new Command.LeaseRevoke(1)))).isEqualTo(EtcdError.SERVER_STOPPED);
        }
    }
}
