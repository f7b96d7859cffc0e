package io.lessor.server.watch;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The synced watchers of a hub, indexed so that a written key finds its watchers without looking
 * at the others. Single-key watchers are kept by their key and prefix watchers by their prefix.
 * Other ranges are grouped by their bounds, so that one comparison serves every watcher of a range.
 *
 * <p>Not thread-safe: the hub uses it with its lock held. {@link #forEachMatching} must not be
 * called again, nor the index changed, from inside its action.
 */
final class WatcherIndex {

    /*
     * Implementation notes.
     *
     * A range [k, end) is a prefix range when end is prefixEnd(k): k with its trailing 0xff bytes
     * dropped and its last byte then incremented. A key lies in such a range exactly when it
     * starts with k. So a written key finds its prefix watchers by looking up its own prefixes,
     * at only the lengths that some watched prefix has (counted in `prefixLengths`). That is one
     * or two lookups when clients watch prefixes of similar depth.
     * A k made only of 0xff bytes has no prefix end: etcd then uses "\0", from k on, which is an
     * open range here, like any range that is not a prefix range.
     *
     * Each group keeps its watchers in an array list, and each watcher remembers its slot, so
     * that removal swaps the last watcher into the slot: O(1), with no entry object per watcher.
     * The order of watchers within a group is not kept, and need not be: each watcher's events
     * go to its own queue entries.
     */

    // Single-key watchers, by key.
    private final Map<ByteString, Group> byKey = new HashMap<>();
    // Prefix watchers, by prefix.
    private final Map<ByteString, Group> byPrefix = new HashMap<>();
    // How many prefixes of each length `byPrefix` holds.
    private final TreeMap<Integer, Integer> prefixLengths = new TreeMap<>();
    // Other ranges by their bounds, which each written key is compared with.
    private final Map<Bounds, Group> others = new HashMap<>();
    private int size;

    /** Bounds of a range that is neither a single key nor a prefix. An empty end means no end. */
    private record Bounds(ByteString key, ByteString end) {
    }

    /** The watchers of one key, prefix or range. */
    private static final class Group {
        final ByteString key;
        // The range end (excluded), empty for no end, or null for a single key or a prefix.
        final ByteString end;
        final List<Watcher> watchers = new ArrayList<>(1);

        Group(ByteString key, ByteString end) {
            this.key = key;
            this.end = end;
        }

        boolean covers(ByteString candidate) {
            return Watcher.inRange(candidate, key, end);
        }
    }

    /** Returns how many watchers the index holds. */
    int size() {
        return size;
    }

    /** Adds {@code watcher}, which must not be in the index already. */
    void add(Watcher watcher) {
        Group group = switch (watcher.kind()) {
            case KEY -> byKey.computeIfAbsent(watcher.key(), k -> new Group(k, null));
            case PREFIX -> byPrefix.computeIfAbsent(watcher.key(), k -> {
                prefixLengths.merge(k.size(), 1, Integer::sum);
                return new Group(k, null);
            });
            case RANGE -> others.computeIfAbsent(new Bounds(watcher.key(), watcher.rangeEnd()),
                    b -> new Group(b.key(), b.end()));
        };
        watcher.indexSlot = group.watchers.size();
        group.watchers.add(watcher);
        size++;
    }

    /** Removes {@code watcher}, which must be in the index. */
    void remove(Watcher watcher) {
        Group group = switch (watcher.kind()) {
            case KEY -> byKey.get(watcher.key());
            case PREFIX -> byPrefix.get(watcher.key());
            case RANGE -> others.get(new Bounds(watcher.key(), watcher.rangeEnd()));
        };
        Objects.requireNonNull(group, "watcher is not indexed");
        List<Watcher> watchers = group.watchers;
        int slot = watcher.indexSlot;
        if (watchers.get(slot) != watcher) {
            throw new IllegalStateException(watcher + " is not at its slot " + slot);
        }
        Watcher last = watchers.removeLast();
        if (last != watcher) {
            watchers.set(slot, last);
            last.indexSlot = slot;
        }
        watcher.indexSlot = -1;
        size--;
        if (watchers.isEmpty()) {
            removeGroup(watcher);
        }
    }

    private void removeGroup(Watcher watcher) {
        switch (watcher.kind()) {
            case KEY -> byKey.remove(watcher.key());
            case PREFIX -> {
                byPrefix.remove(watcher.key());
                prefixLengths.computeIfPresent(watcher.key().size(), (length, count) -> count == 1 ? null : count - 1);
            }
            case RANGE -> others.remove(new Bounds(watcher.key(), watcher.rangeEnd()));
        }
    }

    /** Calls {@code action} with each watcher whose range contains {@code key}, once each. */
    void forEachMatching(ByteString key, Consumer<Watcher> action) {
        Group exact = byKey.get(key);
        if (exact != null) {
            exact.watchers.forEach(action);
        }
        if (!byPrefix.isEmpty()) {
            for (int length : prefixLengths.headMap(key.size(), true).keySet()) {
                Group group = byPrefix.get(length == key.size() ? key : key.substring(0, length));
                if (group != null) {
                    group.watchers.forEach(action);
                }
            }
        }
        for (Group group : others.values()) {
            if (group.covers(key)) {
                group.watchers.forEach(action);
            }
        }
    }

    /** Calls {@code action} with every watcher. */
    void forEach(Consumer<Watcher> action) {
        byKey.values().forEach(group -> group.watchers.forEach(action));
        byPrefix.values().forEach(group -> group.watchers.forEach(action));
        others.values().forEach(group -> group.watchers.forEach(action));
    }
}
