package io.lessor.server.lease;

import java.util.Arrays;

/**
 * The leases of a {@link Lessor} that wait to expire, earliest first, by the expiry each had
 * when it was added ({@link Lease#scheduledExpiryNanos}). A binary heap in which each lease keeps
 * its own index, so that removing a revoked lease takes O(log n) and leaves nothing behind, and
 * the heap allocates no entry per lease. Not thread-safe: the lessor's lock guards it.
 */
final class ExpiryHeap {

    private static final int INITIAL_CAPACITY = 16;

    private Lease[] heap = new Lease[INITIAL_CAPACITY];
    private int size;

    /** Returns the lease with the earliest scheduled expiry, or null when the heap is empty. */
    Lease peek() {
        return size == 0 ? null : heap[0];
    }

    /** Returns how many leases the heap contains. */
    int size() {
        return size;
    }

    /** Returns whether the heap contains {@code lease}. */
    boolean contains(Lease lease) {
        return lease.expiryIndex >= 0;
    }

    /** Adds {@code lease} at {@code expiryNanos}, or moves it there if the heap contains it. */
    void schedule(Lease lease, long expiryNanos) {
        if (contains(lease)) {
            remove(lease);
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        lease.scheduledExpiryNanos = expiryNanos;
        place(lease, size++);
        siftUp(lease.expiryIndex);
    }

    /** Removes {@code lease} if the heap contains it. */
    void remove(Lease lease) {
        int index = lease.expiryIndex;
        if (index < 0) {
            return;
        }
        lease.expiryIndex = -1;
        Lease last = heap[--size];
        heap[size] = null;
        if (index != size) {
            place(last, index);
            siftDown(index);
            siftUp(last.expiryIndex);
        }
        // Halved once a quarter full, so a burst of leases does not keep its array for good.
        if (heap.length > INITIAL_CAPACITY && size < heap.length / 4) {
            heap = Arrays.copyOf(heap, heap.length / 2);
        }
    }

    /** Returns the length of the heap's array, for tests. */
    int capacity() {
        return heap.length;
    }

    /** Removes every lease. */
    void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].expiryIndex = -1;
            heap[i] = null;
        }
        size = 0;
    }

    private void siftUp(int index) {
        Lease lease = heap[index];
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            if (!earlier(lease, heap[parent])) {
                break;
            }
            place(heap[parent], index);
            index = parent;
        }
        place(lease, index);
    }

    private void siftDown(int index) {
        Lease lease = heap[index];
        while (true) {
            int child = 2 * index + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && earlier(heap[child + 1], heap[child])) {
                child++;
            }
            if (!earlier(heap[child], lease)) {
                break;
            }
            place(heap[child], index);
            index = child;
        }
        place(lease, index);
    }

    private void place(Lease lease, int index) {
        heap[index] = lease;
        lease.expiryIndex = index;
    }

    /** Compares as a difference, which stays right across the wrap-around of nanoTime values. */
    private static boolean earlier(Lease a, Lease b) {
        return a.scheduledExpiryNanos - b.scheduledExpiryNanos < 0;
    }
}
