package io.lessor.client.lease;

import java.util.Arrays;

/**
 * The lease entries of {@link KeepAlives} ordered by one of their times, earliest first: their
 * next renewals or their deadlines. A heap whose entries keep their own index, so that an entry
 * moves in place, in O(log N), without allocating an item or leaving a stale one behind. Not
 * thread-safe: the lock of its {@link KeepAlives} guards it.
 */
final class LeaseQueue {

    /*
     * A 4-ary heap, which is half as deep as a binary one, with each entry's time copied into a
     * long array beside it. A sift then compares times that lie next to each other in memory
     * instead of reading every child entry, which with 100,000 leases is a cache miss each.
     */

    /** The time that orders a queue. */
    enum By {
        /** {@link LeaseEntry#nextSendNanos}. */
        NEXT_RENEWAL,
        /** {@link LeaseEntry#deadlineKeyNanos}. */
        DEADLINE
    }

    private static final int ARITY = 4;
    private static final int INITIAL_CAPACITY = 16;

    private final By by;
    private LeaseEntry[] heap = new LeaseEntry[INITIAL_CAPACITY];
    private long[] times = new long[INITIAL_CAPACITY];
    private int size;

    LeaseQueue(By by) {
        this.by = by;
    }

    /** Returns the entry with the earliest time, or null when the queue is empty. */
    LeaseEntry peek() {
        return size == 0 ? null : heap[0];
    }

    /** Returns the time that orders {@code entry} in this queue. */
    long timeOf(LeaseEntry entry) {
        return by == By.NEXT_RENEWAL ? entry.nextSendNanos : entry.deadlineKeyNanos;
    }

    /** Adds {@code entry}, or moves it to its place after its time has changed. */
    void update(LeaseEntry entry) {
        int index = indexOf(entry);
        if (index < 0) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
                times = Arrays.copyOf(times, size * 2);
            }
            index = size++;
        }
        long time = timeOf(entry);
        if (index > 0 && time - times[parent(index)] < 0) {
            siftUp(entry, time, index);
        } else {
            siftDown(entry, time, index);
        }
    }

    /** Removes {@code entry} if it is queued. */
    void remove(LeaseEntry entry) {
        int index = indexOf(entry);
        if (index < 0) {
            return;
        }
        setIndex(entry, -1);
        size--;
        LeaseEntry last = heap[size];
        long lastTime = times[size];
        heap[size] = null;
        if (index < size) {
            if (index > 0 && lastTime - times[parent(index)] < 0) {
                siftUp(last, lastTime, index);
            } else {
                siftDown(last, lastTime, index);
            }
        }
    }

    /** Returns how many entries are queued. */
    int size() {
        return size;
    }

    /** Removes every entry. */
    void clear() {
        for (int i = 0; i < size; i++) {
            setIndex(heap[i], -1);
        }
        heap = new LeaseEntry[INITIAL_CAPACITY];
        times = new long[INITIAL_CAPACITY];
        size = 0;
    }

    private static int parent(int index) {
        return (index - 1) / ARITY;
    }

    /** Places {@code entry}, due at {@code time}, at {@code index} or above it. */
    private void siftUp(LeaseEntry entry, long time, int index) {
        while (index > 0) {
            int parent = parent(index);
            // Times compare as differences, so a clock that wraps still orders.
            if (time - times[parent] >= 0) {
                break;
            }
            place(heap[parent], times[parent], index);
            index = parent;
        }
        place(entry, time, index);
    }

    /** Places {@code entry}, due at {@code time}, at {@code index} or below it. */
    private void siftDown(LeaseEntry entry, long time, int index) {
        while (true) {
            int first = ARITY * index + 1;
            if (first >= size) {
                break;
            }
            int earliest = first;
            int end = Math.min(first + ARITY, size);
            for (int child = first + 1; child < end; child++) {
                if (times[child] - times[earliest] < 0) {
                    earliest = child;
                }
            }
            if (times[earliest] - time >= 0) {
                break;
            }
            place(heap[earliest], times[earliest], index);
            index = earliest;
        }
        place(entry, time, index);
    }

    private void place(LeaseEntry entry, long time, int index) {
        heap[index] = entry;
        times[index] = time;
        setIndex(entry, index);
    }

    private int indexOf(LeaseEntry entry) {
        return by == By.NEXT_RENEWAL ? entry.renewalIndex : entry.deadlineIndex;
    }

    private void setIndex(LeaseEntry entry, int index) {
        if (by == By.NEXT_RENEWAL) {
            entry.renewalIndex = index;
        } else {
            entry.deadlineIndex = index;
        }
    }
}
