package io.lessor.server.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The intrusive expiry heap of leases, checked against a plain list. */
class ExpiryHeapTest {

    @Test
    void heapPeeksEarliestExpiry() {
        ExpiryHeap heap = new ExpiryHeap();
        List<Lease> scheduled = new ArrayList<>();
        Random random = new Random(5);
        // Times around Long.MAX_VALUE, where nanoTime wraps, so that only differences order them.
        long origin = Long.MAX_VALUE - 500_000;
        for (int step = 0; step < 50_000; step++) {
            int action = random.nextInt(4);
            if (action == 0 || scheduled.isEmpty()) {
                Lease lease = new Lease(step, 10, 0);
                heap.schedule(lease, origin + random.nextInt(1_000_000));
                scheduled.add(lease);
            } else if (action == 1) {
                Lease lease = scheduled.get(random.nextInt(scheduled.size()));
                heap.schedule(lease, origin + random.nextInt(1_000_000));
            } else if (action == 2) {
                Lease lease = scheduled.remove(random.nextInt(scheduled.size()));
                heap.remove(lease);
                assertThat(heap.contains(lease)).isFalse();
            } else {
                Lease earliest = scheduled.stream()
                        .min(Comparator.comparingLong(l -> l.scheduledExpiryNanos - origin)).orElseThrow();
                Lease head = heap.peek();
                assertThat(head.scheduledExpiryNanos).isEqualTo(earliest.scheduledExpiryNanos);
                heap.remove(head);
                scheduled.remove(head);
            }
            assertThat(heap.size()).isEqualTo(scheduled.size());
        }
    }

    @Test
    void heapShrinksAfterRemovals() {
        ExpiryHeap heap = new ExpiryHeap();
        List<Lease> leases = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            Lease lease = new Lease(i, 10, 0);
            heap.schedule(lease, i);
            leases.add(lease);
        }
        assertThat(heap.capacity()).isGreaterThanOrEqualTo(100_000);

        for (Lease lease : leases.subList(1, leases.size())) {
            heap.remove(lease);
        }

        assertThat(heap.capacity()).isLessThanOrEqualTo(32);
        assertThat(heap.peek()).isSameAs(leases.get(0));
    }

    @Test
    void clearEmptiesHeap() {
        ExpiryHeap heap = new ExpiryHeap();
        Lease lease = new Lease(1, 10, 0);
        heap.schedule(lease, 5);

        heap.clear();

        assertThat(heap.peek()).isNull();
        assertThat(heap.contains(lease)).isFalse();
        heap.remove(lease);
        assertThat(heap.size()).isZero();
    }
}
