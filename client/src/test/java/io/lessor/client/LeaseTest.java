package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.lessor.api.LeaseGrantResponse;
import io.lessor.api.LeaseStatus;
import io.lessor.api.LeaseTimeToLiveResponse;
import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.context.ContextDoneException;
import io.lessor.context.Reason;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@CheckLeaks
@LeakCheck(virtualThreads = true)
class LeaseTest {

    @RegisterExtension
    static final Servers servers = new Servers();

    private static final Context ctx = Context.background();

    @ParameterizedTest
    @EnumSource(Server.class)
    void grantThenTimeToLiveWithKeys(Server server) throws Exception {
        try (Client client = servers.client(server)) {
            LeaseGrantResponse grant = client.lease().grant(ctx, 30);
            ByteString key = ByteString.copyFromUtf8("lease-test/ttl/" + grant.getID());
            client.kv().put(ctx, key, ByteString.copyFromUtf8("v"), PutOptions.withLease(grant.getID()));

            LeaseTimeToLiveResponse ttl = client.lease().timeToLive(ctx, grant.getID(), true);

            assertThat(grant.getTTL()).isEqualTo(30);
            assertThat(ttl.getGrantedTTL()).isEqualTo(30);
            assertThat(ttl.getTTL()).isBetween(28L, 30L);
            assertThat(ttl.getKeysList()).containsExactly(key);
            client.lease().revoke(ctx, grant.getID());
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void grantWithIdThenLeasesListsIt(Server server) throws Exception {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        try (Client client = servers.client(server)) {
            LeaseGrantResponse grant = client.lease().grant(ctx, 60, id);

            assertThat(grant.getID()).isEqualTo(id);
            assertThat(client.lease().leases(ctx).getLeasesList()).extracting(LeaseStatus::getID).contains(id);
            client.lease().revoke(ctx, id);
            assertThat(client.lease().leases(ctx).getLeasesList()).extracting(LeaseStatus::getID).doesNotContain(id);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void grantDuplicateIdRaisesLeaseExists(Server server) throws Exception {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        try (Client client = servers.client(server)) {
            client.lease().grant(ctx, 60, id);

            assertThatThrownBy(() -> client.lease().grant(ctx, 60, id))
                    .isInstanceOf(LeaseExistsException.class)
                    .satisfies(e -> assertThat(((EtcdException) e).code()).isEqualTo(Status.Code.FAILED_PRECONDITION))
                    .satisfies(e -> assertThat(((EtcdException) e).serverMessage()).isEqualTo("etcdserver: lease already exists"));
            client.lease().revoke(ctx, id);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void grantTooLargeTtlRaisesTtlTooLarge(Server server) {
        try (Client client = servers.client(server)) {
            assertThatThrownBy(() -> client.lease().grant(ctx, 9_000_000_001L))
                    .isInstanceOf(LeaseTtlTooLargeException.class)
                    .satisfies(e -> assertThat(((EtcdException) e).code()).isEqualTo(Status.Code.OUT_OF_RANGE));
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void revokeUnknownRaisesLeaseNotFound(Server server) {
        try (Client client = servers.client(server)) {
            assertThatThrownBy(() -> client.lease().revoke(ctx, 0x7fff_0000_0000_0001L))
                    .isInstanceOf(LeaseNotFoundException.class)
                    .satisfies(e -> assertThat(((EtcdException) e).code()).isEqualTo(Status.Code.NOT_FOUND))
                    .satisfies(e -> assertThat(((EtcdException) e).serverMessage()).isEqualTo(LeaseNotFoundException.MESSAGE));
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void putWithUnknownLeaseRaisesLeaseNotFound(Server server) {
        try (Client client = servers.client(server)) {
            assertThatThrownBy(() -> client.kv().put(ctx, ByteString.copyFromUtf8("lease-test/unknown"),
                    ByteString.copyFromUtf8("v"), PutOptions.withLease(0x7fff_0000_0000_0002L)))
                    .isInstanceOf(LeaseNotFoundException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void timeToLiveOfUnknownLeaseIsMinusOne(Server server) throws Exception {
        try (Client client = servers.client(server)) {
            LeaseTimeToLiveResponse ttl = client.lease().timeToLive(ctx, 0x7fff_0000_0000_0003L, false);

            assertThat(ttl.getTTL()).isEqualTo(-1);
            assertThat(ttl.getGrantedTTL()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void cancelledContextRaisesBeforeSending(Server server) {
        try (Client client = servers.client(server); CancelableContext cancelled = ctx.withCancel()) {
            cancelled.cancel();

            assertThatThrownBy(() -> client.lease().grant(cancelled, 10))
                    .isInstanceOf(ContextDoneException.class)
                    .satisfies(e -> assertThat(((ContextDoneException) e).reason()).isEqualTo(Reason.CANCELED));
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void callAfterCloseRaisesClientClosed(Server server) {
        Client client = servers.client(server);
        client.close();

        assertThatThrownBy(() -> client.lease().grant(ctx, 10)).isInstanceOf(ClientClosedException.class);
    }

    @Test
    void contextDeadlineBecomesCallDeadline() throws Exception {
        try (Silent silent = new Silent();
                Client client = Client.builder().endpoints(silent.endpoint()).build();
                CancelableContext shortLived = ctx.withTimeout(Duration.ofMillis(300))) {
            long start = System.nanoTime();

            assertThatThrownBy(() -> client.lease().grant(shortLived, 10))
                    .isInstanceOf(ContextDoneException.class)
                    .satisfies(e -> assertThat(((ContextDoneException) e).reason()).isEqualTo(Reason.DEADLINE_EXCEEDED));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            await().atMost(Duration.ofSeconds(2)).until(() -> client.openCalls() == 0);
        }
    }

    @Test
    void contextCancelCancelsRunningCall() throws Exception {
        try (Silent silent = new Silent();
                Client client = Client.builder().endpoints(silent.endpoint()).build();
                CancelableContext caller = ctx.withCancel()) {
            Thread canceller = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                caller.cancel();
            });

            assertThatThrownBy(() -> client.lease().grant(caller, 10))
                    .isInstanceOf(ContextDoneException.class)
                    .satisfies(e -> assertThat(((ContextDoneException) e).reason()).isEqualTo(Reason.CANCELED));
            canceller.join();
            // gRPC reports the cancelled call closed on its callback executor, a moment later.
            await().atMost(Duration.ofSeconds(2)).until(() -> client.openCalls() == 0);
        }
    }

    @Test
    void requestTimeoutAppliesWithoutContextDeadline() throws Exception {
        try (Silent silent = new Silent();
                Client client = Client.builder().endpoints(silent.endpoint()).requestTimeout(Duration.ofMillis(300)).build()) {
            assertThatThrownBy(() -> client.lease().grant(ctx, 10))
                    .isInstanceOf(RequestTimeoutException.class)
                    .satisfies(e -> assertThat(((EtcdException) e).code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        }
    }
}
