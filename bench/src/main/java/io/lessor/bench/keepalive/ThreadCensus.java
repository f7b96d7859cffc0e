package io.lessor.bench.keepalive;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live platform threads of this JVM at one moment: how many, how many of them are not
 * daemons, and their names grouped with digits replaced by {@code N}, so
 * {@code grpc-nio-worker-ELG-1-2} and {@code -1-3} fall into one group. Virtual threads are not
 * platform threads and are not counted; their carrier threads are.
 *
 * @param total the live platform threads
 * @param nonDaemon the live platform threads that are not daemons
 * @param groups the number of threads per name group
 * @param ids the thread ids, to match per-thread CPU times taken at another moment
 */
record ThreadCensus(int total, int nonDaemon, Map<String, Integer> groups, Map<Long, String> ids) {

    /** Takes a census of the live platform threads now. */
    static ThreadCensus take() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ThreadInfo[] infos = threads.getThreadInfo(threads.getAllThreadIds(), 0);
        Map<String, Integer> groups = new TreeMap<>();
        Map<Long, String> ids = new HashMap<>();
        int total = 0;
        int nonDaemon = 0;
        for (ThreadInfo info : infos) {
            if (info == null) {
                continue; // ended between the two calls
            }
            total++;
            if (!info.isDaemon()) {
                nonDaemon++;
            }
            groups.merge(group(info.getThreadName()), 1, Integer::sum);
            ids.put(info.getThreadId(), info.getThreadName());
        }
        return new ThreadCensus(total, nonDaemon, groups, ids);
    }

    /** Returns the thread-name group of {@code name}: runs of digits become {@code N}. */
    static String group(String name) {
        return name.replaceAll("\\d+", "N");
    }

    /**
     * Returns the groups that have more threads here than in {@code before}, with the number of
     * threads added, and the groups with fewer as negative numbers.
     */
    Map<String, Integer> addedSince(ThreadCensus before) {
        Map<String, Integer> added = new TreeMap<>();
        for (Map.Entry<String, Integer> group : groups.entrySet()) {
            int difference = group.getValue() - before.groups.getOrDefault(group.getKey(), 0);
            if (difference != 0) {
                added.put(group.getKey(), difference);
            }
        }
        for (Map.Entry<String, Integer> group : before.groups.entrySet()) {
            if (!groups.containsKey(group.getKey())) {
                added.put(group.getKey(), -group.getValue());
            }
        }
        return added;
    }
}
