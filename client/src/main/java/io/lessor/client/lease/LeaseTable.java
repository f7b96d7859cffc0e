package io.lessor.client.lease;

import java.util.ArrayList;
import java.util.List;

/**
 * The lease entries of {@link KeepAlives} by lease id: an open-addressing hash table keyed by the
 * primitive id, so that looking up the entry of a response boxes no {@code Long}. Not
 * thread-safe: the lock of its {@link KeepAlives} guards it.
 */
final class LeaseTable {

    /*
     * Linear probing with backward-shift deletion, so that no tombstones are left behind. The
     * table is at most half full, which keeps the probe sequences short. Lease ids that etcd
     * grants are close to sequential, so the hash multiplies by the 64-bit golden ratio and
     * keeps the high bits, which spreads neighbouring ids across the table.
     */

    private static final int MIN_CAPACITY = 16;

    private LeaseEntry[] slots = new LeaseEntry[MIN_CAPACITY];
    private int size;

    /** Returns the entry of {@code leaseId}, or null if there is none. */
    LeaseEntry get(long leaseId) {
        int mask = slots.length - 1;
        for (int i = home(leaseId, mask); ; i = (i + 1) & mask) {
            LeaseEntry entry = slots[i];
            if (entry == null || entry.leaseId == leaseId) {
                return entry;
            }
        }
    }

    /** Adds {@code entry}, whose lease id must not be in the table yet. */
    void add(LeaseEntry entry) {
        if (2 * (size + 1) > slots.length) {
            resize(slots.length * 2);
        }
        insert(slots, entry);
        size++;
    }

    /** Removes {@code entry} if the table contains it. */
    void remove(LeaseEntry entry) {
        int mask = slots.length - 1;
        int hole = home(entry.leaseId, mask);
        while (slots[hole] != entry) {
            if (slots[hole] == null) {
                return;
            }
            hole = (hole + 1) & mask;
        }
        slots[hole] = null;
        size--;

        // Moves back each later entry of the probe run that the hole would cut off from its home.
        for (int i = (hole + 1) & mask; slots[i] != null; i = (i + 1) & mask) {
            int home = home(slots[i].leaseId, mask);
            boolean reachable = hole <= i ? hole < home && home <= i : hole < home || home <= i;
            if (!reachable) {
                slots[hole] = slots[i];
                slots[i] = null;
                hole = i;
            }
        }
    }

    /** Returns how many entries the table holds. */
    int size() {
        return size;
    }

    /** Returns the entries in no particular order, as a new list. */
    List<LeaseEntry> entries() {
        List<LeaseEntry> all = new ArrayList<>(size);
        for (LeaseEntry entry : slots) {
            if (entry != null) {
                all.add(entry);
            }
        }
        return all;
    }

    /** Removes every entry. */
    void clear() {
        slots = new LeaseEntry[MIN_CAPACITY];
        size = 0;
    }

    private void resize(int capacity) {
        LeaseEntry[] larger = new LeaseEntry[capacity];
        for (LeaseEntry entry : slots) {
            if (entry != null) {
                insert(larger, entry);
            }
        }
        slots = larger;
    }

    private static void insert(LeaseEntry[] table, LeaseEntry entry) {
        int mask = table.length - 1;
        int i = home(entry.leaseId, mask);
        while (table[i] != null) {
            i = (i + 1) & mask;
        }
        table[i] = entry;
    }

    private static int home(long leaseId, int mask) {
        return (int) ((leaseId * 0x9E3779B97F4A7C15L) >>> 32) & mask;
    }
}
