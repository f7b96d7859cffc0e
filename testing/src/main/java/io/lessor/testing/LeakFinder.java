package io.lessor.testing;

import io.lessor.context.Diagnostics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Finds what is alive now that was not alive at a baseline: library resources created since a
 * {@link Diagnostics#mark()}, and threads whose ids were not in the baseline. Thread ids are
 * never reused within a JVM run, so an id seen before the test always names the same thread.
 */
final class LeakFinder {

    /**
     * The resources and threads alive before a test or test class.
     *
     * @param virtualThreadIds the virtual threads then, or {@code null} if they are not checked
     */
    record Baseline(long mark, Set<Long> platformThreadIds, Set<Long> virtualThreadIds) {
    }

    /** The first pause between checks; it doubles up to {@link #MAX_PAUSE_NANOS}. */
    private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** The messages of thread-dump failures already warned about, so each is printed once. */
    private static final Set<String> WARNED_DUMP_FAILURES = ConcurrentHashMap.newKeySet();

    private LeakFinder() {
    }

    /**
     * Records what is alive now; the thread dump for virtual threads is taken only if asked. If
     * the dump fails, the baseline has no virtual threads, so they are not checked against it.
     */
    static Baseline baseline(boolean virtualThreads) {
        Set<Long> platform = ThreadDump.platformThreadIds();
        Set<Long> virtual = null;
        if (virtualThreads) {
            List<ThreadDump.DumpedThread> dumped = virtualThreadsOrNull();
            if (dumped != null) {
                virtual = new HashSet<>();
                for (ThreadDump.DumpedThread thread : dumped) {
                    virtual.add(thread.id());
                }
            }
        }
        return new Baseline(Diagnostics.mark(), platform, virtual);
    }

    /**
     * Returns the virtual threads, or {@code null} if the thread dump failed. A failed dump is
     * not a leak, so the check goes on with platform threads and library resources, and warns
     * on standard error once for each distinct failure, so a test run shows it without a
     * warning per check.
     */
    static List<ThreadDump.DumpedThread> virtualThreadsOrNull() {
        try {
            return ThreadDump.virtualThreads();
        } catch (ThreadDump.DumpFailedException e) {
            if (WARNED_DUMP_FAILURES.add(e.getMessage())) {
                System.err.println("lessor leak check: warning: virtual threads are not checked, because the "
                        + "virtual-thread dump failed: " + e.getMessage() + "; platform threads and library "
                        + "resources are still checked");
            }
            return null;
        }
    }

    /**
     * Checks for leaks until there are none or {@code settings.maxWait()} has passed, pausing
     * between checks.
     *
     * @param excludedKeys the {@link Leak#keys()} of leaks reported already, which do not count
     * @return the leaks still alive at the last check; empty if there were none
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    static List<Leak> awaitNoLeaks(Baseline baseline, LeakSettings settings, Set<String> excludedKeys)
            throws InterruptedException {
        long waitNanos = saturatedNanos(settings.maxWait());
        long startNanos = System.nanoTime();
        long pauseNanos = FIRST_PAUSE_NANOS;
        while (true) {
            List<Leak> leaks = find(baseline, settings, excludedKeys);
            // Elapsed time as a difference, so a wait near Long.MAX_VALUE cannot overflow.
            long remainingNanos = waitNanos - (System.nanoTime() - startNanos);
            if (leaks.isEmpty() || remainingNanos <= 0) {
                return leaks;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(pauseNanos, remainingNanos));
            pauseNanos = Math.min(pauseNanos * 2, MAX_PAUSE_NANOS);
        }
    }

    /** Returns the leaks alive now: library resources first, oldest first, then threads by id. */
    static List<Leak> find(Baseline baseline, LeakSettings settings, Set<String> excludedKeys) {
        List<Leak> leaks = new ArrayList<>();
        Set<Long> taskThreadIds = new HashSet<>();
        for (Diagnostics.LiveResource resource : Diagnostics.liveSince(baseline.mark())) {
            if (excludedKeys.contains(resourceKey(resource))) {
                continue;
            }
            leaks.add(resourceLeak(resource));
            if (resource.thread() != null) {
                taskThreadIds.add(resource.thread().threadId());
            }
        }

        // A library task's platform thread is checked through its task. It is reported with the
        // task when the task is the test's, and skipped when a fixture started the task earlier.
        Set<Long> allTaskThreadIds = new HashSet<>();
        for (Diagnostics.LiveResource resource : Diagnostics.liveSince(Long.MIN_VALUE)) {
            if (resource.thread() != null) {
                allTaskThreadIds.add(resource.thread().threadId());
            }
        }

        List<Leak> threads = new ArrayList<>();
        List<Map.Entry<Thread, StackTraceElement[]>> platform = new ArrayList<>(Thread.getAllStackTraces().entrySet());
        platform.sort(Comparator.comparingLong(entry -> entry.getKey().threadId()));
        for (Map.Entry<Thread, StackTraceElement[]> entry : platform) {
            Thread thread = entry.getKey();
            if (baseline.platformThreadIds().contains(thread.threadId()) || !thread.isAlive()
                    || allTaskThreadIds.contains(thread.threadId()) || settings.filter().ignores(thread)
                    || excludedKeys.contains(threadKey(thread.threadId()))) {
                continue;
            }
            threads.add(platformThreadLeak(thread, entry.getValue()));
        }

        List<ThreadDump.DumpedThread> virtual = settings.virtualThreads() && baseline.virtualThreadIds() != null
                ? virtualThreadsOrNull()
                : null;
        if (virtual != null) {
            for (ThreadDump.DumpedThread thread : virtual) {
                // A task's thread is shown with its task, so it is not listed twice.
                if (baseline.virtualThreadIds().contains(thread.id()) || taskThreadIds.contains(thread.id())
                        || settings.filter().ignoresName(thread.name())
                        || excludedKeys.contains(threadKey(thread.id()))) {
                    continue;
                }
                threads.add(virtualThreadLeak(thread));
            }
        }

        leaks.addAll(threads);
        return leaks;
    }

    private static Leak resourceLeak(Diagnostics.LiveResource resource) {
        Leak.Kind kind = switch (resource.kind()) {
            case TASK -> Leak.Kind.TASK;
            case CONTEXT -> Leak.Kind.CONTEXT;
            case TIMER -> Leak.Kind.TIMER;
        };
        List<Leak.Trace> traces = new ArrayList<>();
        traces.add(new Leak.Trace("created at", StackFrames.creationSite(resource.createdAt())));
        Set<String> keys = new HashSet<>();
        keys.add(resourceKey(resource));
        String title = resource.name();

        Thread thread = resource.thread();
        if (thread != null) {
            title += " (" + (thread.isVirtual() ? "virtual thread #" : "thread #") + thread.threadId() + ")";
            keys.add(threadKey(thread.threadId()));
            StackTraceElement[] stack = thread.getStackTrace();
            if (thread.isAlive()) {
                traces.add(new Leak.Trace("running at", StackFrames.current(stack)));
            }
        }
        return new Leak(kind, title, List.copyOf(traces), Set.copyOf(keys));
    }

    private static Leak platformThreadLeak(Thread thread, StackTraceElement[] stack) {
        String title = thread.getName() + " (#" + thread.threadId() + ", " + thread.getState()
                + (thread.isDaemon() ? ", daemon" : "") + ")";
        return new Leak(Leak.Kind.PLATFORM_THREAD, title,
                List.of(new Leak.Trace("running at", StackFrames.current(stack))),
                Set.of(threadKey(thread.threadId())));
    }

    private static Leak virtualThreadLeak(ThreadDump.DumpedThread thread) {
        String name = thread.name().isEmpty() ? "(unnamed)" : thread.name();
        return new Leak(Leak.Kind.VIRTUAL_THREAD, name + " (#" + thread.id() + ")",
                List.of(new Leak.Trace("running at", StackFrames.trim(thread.stack()))),
                Set.of(threadKey(thread.id())));
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String resourceKey(Diagnostics.LiveResource resource) {
        return "resource " + resource.sequence();
    }

    private static String threadKey(long threadId) {
        return "thread " + threadId;
    }
}
