package io.lessor.bench.keepalive;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of every live platform thread at one moment, to tell where the CPU of a window went.
 * A virtual thread's CPU time counts to the carrier thread that ran it.
 *
 * @param nanosById CPU nanoseconds per thread id
 * @param names thread names per thread id
 */
record ThreadCpu(Map<Long, Long> nanosById, Map<Long, String> names) {

    /** Reads the CPU time of every live platform thread. */
    static ThreadCpu take() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> nanos = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        ThreadCensus census = ThreadCensus.take();
        for (Map.Entry<Long, String> thread : census.ids().entrySet()) {
            long cpuNanos = threads.getThreadCpuTime(thread.getKey());
            if (cpuNanos >= 0) {
                nanos.put(thread.getKey(), cpuNanos);
                names.put(thread.getKey(), thread.getValue());
            }
        }
        return new ThreadCpu(nanos, names);
    }

    /**
     * Returns the CPU time spent since {@code before} per thread-name group, in milliseconds,
     * largest first, at most {@code limit} groups. A thread that started in between counts
     * from zero; one that ended in between is missing.
     */
    Map<String, Long> millisSince(ThreadCpu before, int limit) {
        Map<String, Long> byGroup = new HashMap<>();
        for (Map.Entry<Long, Long> thread : nanosById.entrySet()) {
            long spentNanos = thread.getValue() - before.nanosById.getOrDefault(thread.getKey(), 0L);
            byGroup.merge(ThreadCensus.group(names.get(thread.getKey())), spentNanos, Long::sum);
        }
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(byGroup.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        Map<String, Long> top = new LinkedHashMap<>();
        for (Map.Entry<String, Long> group : sorted.subList(0, Math.min(limit, sorted.size()))) {
            top.put(group.getKey(), group.getValue() / 1_000_000);
        }
        return top;
    }
}
