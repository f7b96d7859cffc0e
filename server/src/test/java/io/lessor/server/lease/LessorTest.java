package io.lessor.server.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.lessor.context.ManualClock;
import io.lessor.server.EtcdError;
import io.lessor.server.EtcdException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LessorTest {

    private final ManualClock clock = new ManualClock();
    private final Lessor lessor = new Lessor(clock, 2, 9_000_000_000L);

    @Test
    void takeExpiredIsSoonestFirstAndCapped() {
        for (long id = 5; id >= 1; id--) {
            lessor.grant(id, 10 + id);
        }
        clock.advance(Duration.ofSeconds(20));

        assertThat(lessor.takeExpired(2)).containsExactly(1L, 2L);
        assertThat(lessor.takeExpired(2)).containsExactly(3L, 4L);
        assertThat(lessor.takeExpired(2)).containsExactly(5L);
        assertThat(lessor.takeExpired(2)).isEmpty();
    }

    @Test
    void renewalsKeepOneExpiryEntry() {
        lessor.grant(1, 600);
        for (int i = 0; i < 1_000; i++) {
            clock.advance(Duration.ofMillis(10));
            lessor.renew(1);
        }

        assertThat(lessor.expiryEntries()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(599));
        assertThat(lessor.takeExpired(10)).as("renewed 599 s ago").isEmpty();
        assertThat(lessor.expiryEntries()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(lessor.takeExpired(10)).containsExactly(1L);
        assertThat(lessor.expiryEntries()).isZero();
    }

    @Test
    void revokedLeasesLeaveExpiryHeap() {
        for (long id = 1; id <= 1_000; id++) {
            lessor.grant(id, 3_600);
        }
        for (long id = 1; id <= 1_000; id += 2) {
            lessor.forget(lessor.remove(id));
        }

        assertThat(lessor.expiryEntries()).isEqualTo(500);
        clock.advance(Duration.ofSeconds(3_600));
        assertThat(lessor.takeExpired(1_000)).hasSize(500).allMatch(id -> id % 2 == 0);
        assertThat(lessor.expiryEntries()).isZero();
    }

    @Test
    void takeExpiredSkipsRenewedLeases() {
        lessor.grant(1, 10);
        lessor.grant(2, 10);
        clock.advance(Duration.ofSeconds(9));
        lessor.renew(1);
        clock.advance(Duration.ofSeconds(1));

        assertThat(lessor.takeExpired(10)).containsExactly(2L);
        clock.advance(Duration.ofSeconds(9));
        assertThat(lessor.takeExpired(10)).containsExactly(1L);
        assertThat(lessor.expiryEntries()).as("stale entries were dropped").isZero();
    }

    @Test
    void restoredLeaseWaitsForPromotion() {
        lessor.restore(1, 10);
        clock.advance(Duration.ofDays(365));
        assertThat(lessor.takeExpired(10)).as("not promoted yet").isEmpty();

        lessor.promote(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(10));
        assertThat(lessor.timeToLive(1, false).remainingSeconds()).isEqualTo(1);
        assertThat(lessor.takeExpired(10)).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(lessor.takeExpired(10)).containsExactly(1L);
    }

    @Test
    void promoteGivesEveryLeaseAFreshTtl() {
        lessor.grant(1, 10);
        lessor.restore(2, 1);
        clock.advance(Duration.ofSeconds(6));

        lessor.promote(Duration.ZERO);

        assertThat(lessor.timeToLive(1, false).remainingSeconds()).isEqualTo(10);
        assertThat(lessor.timeToLive(2, false).remainingSeconds()).as("the minimum TTL applies").isEqualTo(2);
        clock.advance(Duration.ofSeconds(2));
        assertThat(lessor.takeExpired(10)).containsExactly(2L);
        clock.advance(Duration.ofSeconds(8));
        assertThat(lessor.takeExpired(10)).containsExactly(1L);
    }

    @Test
    void revokingLeaseIsNotRenewed() {
        lessor.grant(1, 2);
        clock.advance(Duration.ofSeconds(2));
        assertThat(lessor.takeExpired(10)).containsExactly(1L);

        assertThat(lessor.renew(1)).isInstanceOf(Lessor.RenewResult.Expired.class);
        assertThat(lessor.takeExpired(10)).isEmpty();
    }

    @Test
    void failedRevokeIsTakenAgain() {
        lessor.grant(1, 2);
        clock.advance(Duration.ofSeconds(3));
        assertThat(lessor.takeExpired(10)).containsExactly(1L);

        lessor.revokeFailed(1);

        assertThat(lessor.takeExpired(10)).containsExactly(1L);
    }

    @Test
    void removedLeaseIsGoneOnceForgotten() {
        lessor.grant(1, 60);

        Lease removed = lessor.remove(1);
        lessor.forget(removed);

        assertThat(removed).isNotNull();
        assertThat(lessor.renew(1)).isInstanceOf(Lessor.RenewResult.NotFound.class);
        assertThat(lessor.timeToLive(1, false)).isNull();
        assertThat(lessor.remove(1)).isNull();
    }

    @Test
    void removedLeaseListedUntilForgotten() {
        // given a lease with a key whose revoke is being applied
        Lease lease = lessor.grant(1, 60);
        lessor.attach(1, ByteString.copyFromUtf8("k"));

        lessor.remove(1);

        // then later commands no longer find it, but readers still list it with its key
        assertThat(lessor.lookup(1)).isNull();
        assertThat(lessor.remove(1)).as("a second revoke in the same group").isNull();
        assertThat(lessor.renew(1)).isInstanceOf(Lessor.RenewResult.Expired.class);
        assertThat(lessor.idsByExpiry()).containsExactly(1L);
        assertThat(lessor.timeToLive(1, true).keys()).containsExactly(ByteString.copyFromUtf8("k"));

        // when the revoke's deletes are visible
        lessor.forget(lease);

        // then the lease leaves the list too
        assertThat(lessor.idsByExpiry()).isEmpty();
        assertThat(lessor.timeToLive(1, false)).isNull();
    }

    @Test
    void grantReusesIdOfRemovedLease() {
        Lease old = lessor.grant(1, 60);
        lessor.remove(1);

        Lease reused = lessor.grant(1, 30);
        lessor.forget(old);

        assertThat(lessor.lookup(1)).isSameAs(reused);
        assertThat(lessor.idsByExpiry()).containsExactly(1L);
    }

    @Test
    void grantChecksTtlBeforeId() {
        assertThat(lessor.grant(1, 1).ttlSeconds()).isEqualTo(2);
        assertThat(catchThrowableOfType(EtcdException.class, () -> lessor.grant(1, 30)).error())
                .isEqualTo(EtcdError.LEASE_EXISTS);
        assertThat(catchThrowableOfType(EtcdException.class, () -> lessor.grant(1, 9_000_000_001L)).error())
                .isEqualTo(EtcdError.LEASE_TTL_TOO_LARGE);
    }

    @Test
    void expiryWorksAcrossClockWrapAround() {
        ManualClock late = new ManualClock();
        // The manual clock moves at most Long.MAX_VALUE / 2 per step.
        late.advance(Duration.ofNanos(Long.MAX_VALUE / 2));
        late.advance(Duration.ofNanos(Long.MAX_VALUE / 2 - 1_000_000_000L));
        Lessor wrapping = new Lessor(late, 2, 9_000_000_000L);
        wrapping.grant(1, 5);

        late.advance(Duration.ofSeconds(4));
        assertThat(wrapping.takeExpired(10)).isEmpty();
        assertThat(wrapping.timeToLive(1, false).remainingSeconds()).isEqualTo(1);
        late.advance(Duration.ofSeconds(1));
        assertThat(wrapping.takeExpired(10)).containsExactly(1L);
    }

    @Test
    void attachedKeysFollowPuts() {
        lessor.grant(1, 60);

        lessor.attach(1, ByteString.copyFromUtf8("a"));
        lessor.attach(1, ByteString.copyFromUtf8("b"));
        lessor.detach(1, ByteString.copyFromUtf8("a"));
        lessor.attach(404, ByteString.copyFromUtf8("ignored"));

        assertThat(lessor.timeToLive(1, true).keys()).containsExactly(ByteString.copyFromUtf8("b"));
        assertThat(lessor.timeToLive(1, false).keys()).isEmpty();
    }

    @Test
    void keysOfLeaseEmptyAgainAfterLastDetach() {
        Lease lease = lessor.grant(1, 60);
        assertThat(lease.hasKeys()).isFalse();
        assertThat(lease.keys()).isEmpty();

        lessor.attach(1, ByteString.copyFromUtf8("a"));
        assertThat(lease.hasKeys()).isTrue();
        lessor.detach(1, ByteString.copyFromUtf8("a"));
        assertThat(lease.hasKeys()).isFalse();
        lessor.detach(1, ByteString.copyFromUtf8("a"));

        lessor.attach(1, ByteString.copyFromUtf8("b"));
        assertThat(lease.keys()).containsExactly(ByteString.copyFromUtf8("b"));
    }

    @Test
    void revokedFutureIsSharedByAllCallers() {
        Lease lease = lessor.grant(1, 60);

        var first = lease.revoked();
        var second = lease.revoked();
        lease.revoked().complete(null);

        assertThat(second).isSameAs(first);
        assertThat(first).isCompleted();
    }

    @Test
    void generatedIdsCarryMemberBitsAndCountUp() {
        LeaseIdGenerator generator = new LeaseIdGenerator(0xabcd_1234_5678_9fffL, 0x12_3456_789aL);

        long first = generator.next();
        long second = generator.next();

        assertThat(first >>> 48).as("low 16 bits of the member id, top bit cleared").isEqualTo(0x1fffL);
        assertThat(first & 0xffff_ffff_ffffL).isEqualTo((0x12_3456_789aL << 8) + 1);
        assertThat(second - first).isEqualTo(1);
        assertThat(first).isPositive();
    }
}
