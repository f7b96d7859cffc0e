package io.lessor.client.lease;

import java.util.List;

/**
 * The lease entries of {@link KeepAlives} filed by one of their times, their next renewals or
 * their deadlines, so that a loop can take every entry whose time has come. A timing wheel: a
 * ring of buckets, each a doubly linked list threaded through the entries themselves, and an
 * entry's bucket is the slot its time falls in, modulo the ring's size. Adding, moving and
 * removing an entry are O(1) and allocate nothing. Not thread-safe: the lock of its
 * {@link KeepAlives} guards it.
 */
final class LeaseWheel {

    /*
     * Why a wheel and not a heap: the loops take due entries every tick, and with 100,000 leases
     * a heap's removal walks about eight levels, each a cache miss, while a bucket's unlink
     * touches the entry and its two neighbours.
     *
     * A bucket may hold entries of later turns of the ring, and the slot that contains "now" may
     * hold entries due later in that slot. A drain checks each entry's time, leaves those, and
     * scans the current slot again on the next drain. An entry whose slot the drains have passed
     * already, such as one due in the past, is filed in the current slot, so the next drain finds
     * it. Times compare by subtraction, as System.nanoTime() values must.
     */

    /** The time that files an entry in a wheel. */
    enum By {
        /** {@link LeaseEntry#nextSendNanos}. */
        NEXT_RENEWAL,
        /** {@link LeaseEntry#deadlineKeyNanos}. */
        DEADLINE
    }

    private final By by;
    private final long slotNanos;
    private final LeaseEntry[] buckets;
    private final int mask;
    // The time slots are counted from, so that slot numbers stay small and non-negative for
    // the times filed here.
    private final long originNanos;
    // The earliest slot that may hold an entry due at the last drain or later: the slot of the
    // last drain, and before the first drain, the slot of the origin.
    private long cursorSlot;
    private int size;

    /**
     * Creates an empty wheel.
     *
     * @param by the time that files an entry
     * @param slotNanos the width of a slot. A drain scans the whole slot that contains its time,
     *     so a width near the drain period keeps the rescans few
     * @param slots the number of buckets, a power of two. Entries due more than
     *     {@code slots * slotNanos} ahead are looked at once per turn of the ring
     * @param originNanos a time no later than the first entry's, on the same clock
     */
    LeaseWheel(By by, long slotNanos, int slots, long originNanos) {
        if (slotNanos <= 0) {
            throw new IllegalArgumentException("slotNanos must be positive: " + slotNanos);
        }
        if (slots <= 0 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        this.by = by;
        this.slotNanos = slotNanos;
        this.buckets = new LeaseEntry[slots];
        this.mask = slots - 1;
        this.originNanos = originNanos;
    }

    /** Returns the time that files {@code entry} in this wheel. */
    long timeOf(LeaseEntry entry) {
        return by == By.NEXT_RENEWAL ? entry.nextSendNanos : entry.deadlineKeyNanos;
    }

    /** Returns how many entries the wheel contains. */
    int size() {
        return size;
    }

    /** Returns whether the wheel contains {@code entry}. */
    boolean contains(LeaseEntry entry) {
        return bucketOf(entry) >= 0;
    }

    /** Adds {@code entry}, or files it again after its time has changed. */
    void update(LeaseEntry entry) {
        if (contains(entry)) {
            unlink(entry);
        }
        long slot = Math.max(slotOf(timeOf(entry)), cursorSlot);
        int bucket = (int) (slot & mask);
        LeaseEntry head = buckets[bucket];
        setBucket(entry, bucket);
        setPrevious(entry, null);
        setNext(entry, head);
        if (head != null) {
            setPrevious(head, entry);
        }
        buckets[bucket] = entry;
        size++;
    }

    /** Removes {@code entry} if the wheel contains it. */
    void remove(LeaseEntry entry) {
        if (contains(entry)) {
            unlink(entry);
        }
    }

    /**
     * Removes every entry whose time is at or before {@code nowNanos} and adds it to
     * {@code due}, in no particular order.
     */
    void drainDue(long nowNanos, List<LeaseEntry> due) {
        long nowSlot = slotOf(nowNanos);
        // A full turn scans every bucket once, however long ago the last drain was.
        long first = Math.max(cursorSlot, nowSlot - mask);
        for (long slot = first; slot <= nowSlot; slot++) {
            LeaseEntry entry = buckets[(int) (slot & mask)];
            while (entry != null) {
                LeaseEntry next = nextOf(entry);
                if (timeOf(entry) - nowNanos <= 0) {
                    unlink(entry);
                    due.add(entry);
                }
                entry = next;
            }
        }
        cursorSlot = Math.max(cursorSlot, nowSlot);
    }

    /** Removes every entry. */
    void clear() {
        for (int bucket = 0; bucket < buckets.length; bucket++) {
            LeaseEntry entry = buckets[bucket];
            while (entry != null) {
                LeaseEntry next = nextOf(entry);
                setBucket(entry, -1);
                setPrevious(entry, null);
                setNext(entry, null);
                entry = next;
            }
            buckets[bucket] = null;
        }
        size = 0;
    }

    private long slotOf(long timeNanos) {
        return Math.floorDiv(timeNanos - originNanos, slotNanos);
    }

    private void unlink(LeaseEntry entry) {
        LeaseEntry previous = previousOf(entry);
        LeaseEntry next = nextOf(entry);
        if (previous == null) {
            buckets[bucketOf(entry)] = next;
        } else {
            setNext(previous, next);
        }
        if (next != null) {
            setPrevious(next, previous);
        }
        setBucket(entry, -1);
        setPrevious(entry, null);
        setNext(entry, null);
        size--;
    }

    // ---- the entry's fields for this wheel -----------------------------------------------------

    private int bucketOf(LeaseEntry entry) {
        return by == By.NEXT_RENEWAL ? entry.renewalBucket : entry.deadlineBucket;
    }

    private void setBucket(LeaseEntry entry, int bucket) {
        if (by == By.NEXT_RENEWAL) {
            entry.renewalBucket = bucket;
        } else {
            entry.deadlineBucket = bucket;
        }
    }

    private LeaseEntry previousOf(LeaseEntry entry) {
        return by == By.NEXT_RENEWAL ? entry.renewalPrevious : entry.deadlinePrevious;
    }

    private void setPrevious(LeaseEntry entry, LeaseEntry previous) {
        if (by == By.NEXT_RENEWAL) {
            entry.renewalPrevious = previous;
        } else {
            entry.deadlinePrevious = previous;
        }
    }

    private LeaseEntry nextOf(LeaseEntry entry) {
        return by == By.NEXT_RENEWAL ? entry.renewalNext : entry.deadlineNext;
    }

    private void setNext(LeaseEntry entry, LeaseEntry next) {
        if (by == By.NEXT_RENEWAL) {
            entry.renewalNext = next;
        } else {
            entry.deadlineNext = next;
        }
    }
}
