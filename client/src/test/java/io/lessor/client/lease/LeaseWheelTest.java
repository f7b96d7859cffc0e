package io.lessor.client.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The timing wheel of lease entries, checked against a plain set of entries and times. */
class LeaseWheelTest {

    private static final long SLOT = 1_000;
    private static final int SLOTS = 16;

    @Test
    void drainTakesExactlyTheDueEntries() {
        // Times near Long.MAX_VALUE, where the clock wraps, so that only differences order them.
        long origin = Long.MAX_VALUE - 50_000;
        LeaseWheel wheel = new LeaseWheel(LeaseWheel.By.DEADLINE, SLOT, SLOTS, origin);
        List<LeaseEntry> filed = new ArrayList<>();
        Random random = new Random(11);
        long now = origin;
        int drained = 0;
        for (int step = 0; step < 40_000; step++) {
            int action = random.nextInt(6);
            if (action <= 1 || filed.isEmpty()) {
                LeaseEntry entry = new LeaseEntry(step, 0, 1);
                entry.deadlineKeyNanos = randomTime(random, now);
                wheel.update(entry);
                filed.add(entry);
            } else if (action == 2) {
                LeaseEntry entry = filed.get(random.nextInt(filed.size()));
                entry.deadlineKeyNanos = randomTime(random, now);
                wheel.update(entry);
            } else if (action == 3) {
                LeaseEntry entry = filed.remove(random.nextInt(filed.size()));
                wheel.remove(entry);
                assertThat(wheel.contains(entry)).isFalse();
            } else {
                // Mostly less than a slot, sometimes more than a whole turn of the ring.
                now += random.nextInt(10) == 0 ? random.nextInt(3 * SLOTS * (int) SLOT) : random.nextInt((int) SLOT);
                Set<LeaseEntry> expected = new HashSet<>();
                for (LeaseEntry entry : filed) {
                    if (entry.deadlineKeyNanos - now <= 0) {
                        expected.add(entry);
                    }
                }
                List<LeaseEntry> due = new ArrayList<>();
                wheel.drainDue(now, due);
                assertThat(due).doesNotHaveDuplicates();
                assertThat(new HashSet<>(due)).isEqualTo(expected);
                for (LeaseEntry entry : due) {
                    assertThat(wheel.contains(entry)).isFalse();
                }
                filed.removeAll(expected);
                drained += due.size();
            }
            assertThat(wheel.size()).isEqualTo(filed.size());
        }
        assertThat(drained).isGreaterThan(1_000);
    }

    /** Returns a time in the past, in the current slot, or up to several turns of the ring ahead. */
    private static long randomTime(Random random, long now) {
        return switch (random.nextInt(4)) {
            case 0 -> now - random.nextInt(2 * (int) SLOT);
            case 1 -> now + random.nextInt((int) SLOT);
            case 2 -> now + random.nextInt(SLOTS * (int) SLOT);
            default -> now + random.nextInt(4 * SLOTS * (int) SLOT);
        };
    }

    @Test
    void passedSlotEntryFoundNextDrain() {
        LeaseWheel wheel = new LeaseWheel(LeaseWheel.By.NEXT_RENEWAL, SLOT, SLOTS, 0);
        List<LeaseEntry> due = new ArrayList<>();
        wheel.drainDue(10 * SLOT, due);
        LeaseEntry late = new LeaseEntry(1, 0, 1);
        late.nextSendNanos = 2 * SLOT;

        wheel.update(late);
        wheel.drainDue(10 * SLOT + 1, due);

        assertThat(due).containsExactly(late);
    }

    @Test
    void entryOfLaterTurnStaysUntilDue() {
        LeaseWheel wheel = new LeaseWheel(LeaseWheel.By.NEXT_RENEWAL, SLOT, SLOTS, 0);
        LeaseEntry later = new LeaseEntry(1, 0, 1);
        // The same bucket as slot 1, one turn later.
        later.nextSendNanos = (1 + SLOTS) * SLOT;
        wheel.update(later);
        List<LeaseEntry> due = new ArrayList<>();

        wheel.drainDue(SLOT + 1, due);
        assertThat(due).isEmpty();
        wheel.drainDue((1 + SLOTS) * SLOT, due);

        assertThat(due).containsExactly(later);
    }

    @Test
    void wheelFilesByItsOwnTime() {
        LeaseWheel renewals = new LeaseWheel(LeaseWheel.By.NEXT_RENEWAL, SLOT, SLOTS, 0);
        LeaseWheel deadlines = new LeaseWheel(LeaseWheel.By.DEADLINE, SLOT, SLOTS, 0);
        LeaseEntry soonRenewed = new LeaseEntry(1, 0, 1);
        soonRenewed.nextSendNanos = 10;
        soonRenewed.deadlineKeyNanos = 5 * SLOT;
        LeaseEntry soonExpired = new LeaseEntry(2, 0, 1);
        soonExpired.nextSendNanos = 5 * SLOT;
        soonExpired.deadlineKeyNanos = 10;
        for (LeaseEntry entry : List.of(soonRenewed, soonExpired)) {
            renewals.update(entry);
            deadlines.update(entry);
        }
        List<LeaseEntry> dueRenewals = new ArrayList<>();
        List<LeaseEntry> dueDeadlines = new ArrayList<>();

        renewals.drainDue(100, dueRenewals);
        deadlines.drainDue(100, dueDeadlines);

        assertThat(dueRenewals).containsExactly(soonRenewed);
        assertThat(dueDeadlines).containsExactly(soonExpired);
        assertThat(renewals.contains(soonExpired)).isTrue();
        assertThat(deadlines.contains(soonRenewed)).isTrue();
    }

    @Test
    void clearUnlinksEveryEntry() {
        LeaseWheel wheel = new LeaseWheel(LeaseWheel.By.NEXT_RENEWAL, SLOT, SLOTS, 0);
        LeaseEntry first = new LeaseEntry(1, 0, 1);
        LeaseEntry second = new LeaseEntry(2, 0, 1);
        wheel.update(first);
        wheel.update(second);

        wheel.clear();

        assertThat(wheel.size()).isZero();
        assertThat(wheel.contains(first)).isFalse();
        assertThat(first.renewalNext).isNull();
        assertThat(second.renewalPrevious).isNull();
        wheel.remove(first);
        assertThat(wheel.size()).isZero();
        List<LeaseEntry> due = new ArrayList<>();
        wheel.drainDue(SLOT, due);
        assertThat(due).isEmpty();
    }

    @Test
    void slotsMustBePowerOfTwo() {
        assertThatThrownBy(() -> new LeaseWheel(LeaseWheel.By.DEADLINE, SLOT, 12, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("power of two");
        assertThatThrownBy(() -> new LeaseWheel(LeaseWheel.By.DEADLINE, 0, SLOTS, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slotNanos");
    }
}
