package io.lessor.client.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The primitive-keyed table of lease entries, checked against a HashMap. */
class LeaseTableTest {

    private static LeaseEntry entry(long leaseId) {
        return new LeaseEntry(leaseId, 0, 1);
    }

    @Test
    void tableFindsAddedEntries() {
        LeaseTable table = new LeaseTable();
        LeaseEntry first = entry(0x7844a244005df854L);
        LeaseEntry second = entry(Long.MIN_VALUE);

        table.add(first);
        table.add(second);

        assertThat(table.get(first.leaseId)).isSameAs(first);
        assertThat(table.get(Long.MIN_VALUE)).isSameAs(second);
        assertThat(table.get(0)).isNull();
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void tableRemoveKeepsProbeRunsReachable() {
        LeaseTable table = new LeaseTable();
        Map<Long, LeaseEntry> expected = new HashMap<>();
        Random random = new Random(42);
        // Sequential ids in a few clusters, as etcd grants them, and random ones.
        long[] bases = {0x7844a244005d0000L, 0x1000L, -5L};
        for (int step = 0; step < 20_000; step++) {
            long id = random.nextInt(4) != 0
                    ? bases[random.nextInt(bases.length)] + random.nextInt(1_000)
                    : random.nextLong();
            LeaseEntry present = expected.get(id);
            if (present == null) {
                LeaseEntry added = entry(id);
                table.add(added);
                expected.put(id, added);
            } else {
                table.remove(present);
                expected.remove(id);
            }
            if (step % 1_000 == 0) {
                assertSameContent(table, expected);
            }
        }
        assertSameContent(table, expected);
    }

    @Test
    void tableRemoveOfAbsentEntryChangesNothing() {
        LeaseTable table = new LeaseTable();
        LeaseEntry kept = entry(1);
        table.add(kept);

        table.remove(entry(1));
        table.remove(entry(2));

        assertThat(table.get(1)).isSameAs(kept);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void tableClearRemovesEverything() {
        LeaseTable table = new LeaseTable();
        for (long id = 0; id < 100; id++) {
            table.add(entry(id));
        }

        table.clear();

        assertThat(table.size()).isZero();
        assertThat(table.get(5)).isNull();
        assertThat(table.entries()).isEmpty();
    }

    private static void assertSameContent(LeaseTable table, Map<Long, LeaseEntry> expected) {
        assertThat(table.size()).isEqualTo(expected.size());
        for (Map.Entry<Long, LeaseEntry> e : expected.entrySet()) {
            assertThat(table.get(e.getKey())).isSameAs(e.getValue());
        }
        Set<LeaseEntry> all = Collections.newSetFromMap(new IdentityHashMap<>());
        all.addAll(table.entries());
        assertThat(all).hasSize(expected.size());
        assertThat(expected.values()).allMatch(all::contains);
    }
}
