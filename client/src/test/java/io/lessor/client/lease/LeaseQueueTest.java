package io.lessor.client.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The intrusive time-ordered queue of lease entries, checked against a sorted list. */
class LeaseQueueTest {

    @Test
    void queuePeeksEarliestFirst() {
        LeaseQueue queue = new LeaseQueue(LeaseQueue.By.DEADLINE);
        List<LeaseEntry> queued = new ArrayList<>();
        Random random = new Random(7);
        // Times around Long.MAX_VALUE, where the clock wraps, so that only differences order them.
        long origin = Long.MAX_VALUE - 500_000;
        for (int step = 0; step < 50_000; step++) {
            int action = random.nextInt(4);
            if (action == 0 || queued.isEmpty()) {
                LeaseEntry entry = new LeaseEntry(step, 0, 1);
                entry.deadlineKeyNanos = origin + random.nextInt(1_000_000);
                queue.update(entry);
                queued.add(entry);
            } else if (action == 1) {
                LeaseEntry entry = queued.get(random.nextInt(queued.size()));
                entry.deadlineKeyNanos = origin + random.nextInt(1_000_000);
                queue.update(entry);
            } else if (action == 2) {
                LeaseEntry entry = queued.remove(random.nextInt(queued.size()));
                queue.remove(entry);
                assertThat(entry.deadlineIndex).isEqualTo(-1);
            } else {
                LeaseEntry earliest = queued.stream()
                        .min(Comparator.comparingLong(e -> e.deadlineKeyNanos - origin)).orElseThrow();
                assertThat(queue.peek().deadlineKeyNanos).isEqualTo(earliest.deadlineKeyNanos);
                LeaseEntry head = queue.peek();
                queue.remove(head);
                queued.remove(head);
            }
            assertThat(queue.size()).isEqualTo(queued.size());
        }
    }

    @Test
    void queueOrdersByItsOwnTime() {
        LeaseQueue renewals = new LeaseQueue(LeaseQueue.By.NEXT_RENEWAL);
        LeaseQueue deadlines = new LeaseQueue(LeaseQueue.By.DEADLINE);
        LeaseEntry soonRenewed = new LeaseEntry(1, 0, 1);
        soonRenewed.nextSendNanos = 10;
        soonRenewed.deadlineKeyNanos = 100;
        LeaseEntry soonExpired = new LeaseEntry(2, 0, 1);
        soonExpired.nextSendNanos = 20;
        soonExpired.deadlineKeyNanos = 50;

        for (LeaseEntry entry : List.of(soonRenewed, soonExpired)) {
            renewals.update(entry);
            deadlines.update(entry);
        }

        assertThat(renewals.peek()).isSameAs(soonRenewed);
        assertThat(deadlines.peek()).isSameAs(soonExpired);
    }

    @Test
    void queueClearUnqueuesEveryEntry() {
        LeaseQueue queue = new LeaseQueue(LeaseQueue.By.NEXT_RENEWAL);
        LeaseEntry entry = new LeaseEntry(1, 0, 1);
        queue.update(entry);

        queue.clear();

        assertThat(queue.peek()).isNull();
        assertThat(entry.renewalIndex).isEqualTo(-1);
        queue.remove(entry);
        assertThat(queue.size()).isZero();
    }
}
