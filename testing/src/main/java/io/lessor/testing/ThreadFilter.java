package io.lessor.testing;

import io.lessor.context.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Decides which threads the leak check ignores: the JDK's, JUnit's and Surefire's own
 * long-lived threads, Lessor's timer thread, and threads whose name fully matches a pattern
 * the user gave.
 */
final class ThreadFilter {

    /**
     * Names of threads that a runtime starts on first use and keeps for the life of the
     * process, so a test that merely triggers them has not leaked them. Each is a regular
     * expression that must match the whole name.
     */
    static final List<String> BUILT_IN_NAMES = List.of(
            // JDK: virtual-thread scheduling and I/O polling (JDK 21 and JDK 25 names).
            "VirtualThread-unblocker",
            "(Read|Write)-Poller(-\\d+)?",
            "MasterPoller",
            "SubPoller-\\d+",
            // JDK: process-wide services.
            "Common-Cleaner",
            "process reaper",
            "Attach Listener",
            "Signal Dispatcher",
            "Reference Handler",
            "Finalizer",
            "Notification Thread",
            // NOTE: a task stuck in the common pool goes unreported. Its idle workers linger for
            // a minute after every parallel stream or async CompletableFuture, and reporting them
            // would fail every test that used one.
            "ForkJoinPool\\.commonPool-(worker-\\d+|delayScheduler)",
            // JUnit's timeout scheduler and Surefire's connection to the Maven process.
            "junit-jupiter-timeout-watcher(-\\d+)?",
            "surefire-forkedjvm-.*",
            // grpc-java's process-wide shared pools: the Netty event loops every server and
            // channel share, the default executor, and the thread that frees them a second after
            // their last user. A test that opens a channel to a server started before it
            // starts threads of a pool that the server keeps, so they outlive the test.
            "grpc-nio-(boss|worker)-ELG-\\d+-\\d+",
            // The same event loops when Netty's native epoll transport is on the class path.
            "grpc-default-(boss|worker)-ELG-\\d+-\\d+",
            "grpc-default-executor-\\d+",
            "grpc-shared-destroyer-\\d+",
            "grpc-timer-\\d+",
            // Netty's GlobalEventExecutor: one process-wide thread that Netty starts for some of
            // its close work, and that stops by itself about a second after its last task.
            "globalEventExecutor-\\d+-\\d+",
            // Lessor's own timer thread (io.lessor.context's system clock).
            Pattern.quote(Clock.TIMER_THREAD_NAME));

    /**
     * Carrier threads of virtual threads; their names ("ForkJoinPool-1-worker-1") vary, like
     * any pool's.
     */
    private static final String CARRIER_THREAD_CLASS = "jdk.internal.misc.CarrierThread";

    /**
     * The thread group of the virtual-thread scheduler, which contains its carrier threads and, on
     * JDK 25, its "ForkJoinPool-1-delayScheduler" thread for timed parks and sleeps.
     */
    private static final String CARRIER_THREAD_GROUP = "CarrierThreads";

    /** Worker threads of JUnit's parallel execution, which are named like any pool's. */
    private static final String JUNIT_PACKAGE_PREFIX = "org.junit.";

    private final List<Pattern> patterns;

    private ThreadFilter(List<Pattern> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /** Returns a filter with the built-in ignores and {@code userPatterns}. */
    static ThreadFilter withBuiltIns(List<Pattern> userPatterns) {
        List<Pattern> all = new ArrayList<>();
        for (String name : BUILT_IN_NAMES) {
            all.add(Pattern.compile(name));
        }
        all.addAll(userPatterns);
        return new ThreadFilter(all);
    }

    /** Returns whether a platform thread is ignored. */
    boolean ignores(Thread thread) {
        String className = thread.getClass().getName();
        if (className.equals(CARRIER_THREAD_CLASS) || className.startsWith(JUNIT_PACKAGE_PREFIX)) {
            return true;
        }
        // Null once the thread has terminated.
        ThreadGroup group = thread.getThreadGroup();
        if (group != null && group.getName().equals(CARRIER_THREAD_GROUP)) {
            return true;
        }
        return ignoresName(thread.getName());
    }

    /** Returns whether a thread with this name is ignored. */
    boolean ignoresName(String name) {
        for (Pattern pattern : patterns) {
            if (pattern.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Returns the patterns, built-in ones first, for messages and tests. */
    List<Pattern> patterns() {
        return patterns;
    }
}
