package io.lessor.context;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A reduced thread-leak check: library resources created during the test and new platform
 * threads. The full check, for users and the other modules, is
 * {@code io.lessor.testing.LeakCheckExtension}. Its module, lessor-testing, depends on this module
 * and on lessor-server, because it also contains {@code LessorServerExtension}, which starts a
 * server for tests. Tests of this module or of the server cannot use it without a dependency
 * cycle, so they use this one, which the context module publishes in its test jar.
 */
public final class LeakCheck implements BeforeEachCallback, AfterEachCallback {

    private static final long WAIT_MILLIS = 2_000;
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LeakCheck.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        Diagnostics.setTracking(true);
        context.getStore(NAMESPACE).put("mark", Diagnostics.mark());
        context.getStore(NAMESPACE).put("threads", platformThreads());
    }

    @Override
    @SuppressWarnings("unchecked")
    public void afterEach(ExtensionContext context) throws InterruptedException {
        long mark = context.getStore(NAMESPACE).get("mark", Long.class);
        Set<Thread> before = context.getStore(NAMESPACE).get("threads", Set.class);
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000;
        List<Diagnostics.LiveResource> live;
        Set<Thread> newThreads;
        do {
            live = Diagnostics.liveSince(mark);
            newThreads = platformThreads();
            newThreads.removeAll(before);
            newThreads.removeIf(t -> !t.isAlive() || isRuntimeThread(t));
            if (live.isEmpty() && newThreads.isEmpty()) {
                return;
            }
            Thread.sleep(10);
        } while (System.nanoTime() - deadline < 0);
        String report = live.stream().map(Object::toString).collect(Collectors.joining("\n  "))
                + newThreads.stream().map(t -> "platform thread " + t.getName()).collect(Collectors.joining("\n  "));
        throw new AssertionError("leaked after " + WAIT_MILLIS + " ms:\n  " + report);
    }

    /** Regular expressions of thread names to ignore, comma-separated, from a system property. */
    private static final List<Pattern> IGNORED = Arrays.stream(System.getProperty("lessor.leakcheck.ignore", "").split(","))
            .filter(s -> !s.isBlank())
            .map(Pattern::compile)
            .toList();

    /** Threads the JDK or this library keep for the life of the process, started on first use. */
    private static boolean isRuntimeThread(Thread t) {
        return t.getClass().getName().equals("jdk.internal.misc.CarrierThread")
                || t.getName().endsWith("-delayScheduler")
                || IGNORED.stream().anyMatch(p -> p.matcher(t.getName()).matches())
                || Set.of(SystemClock.TIMER_THREAD_NAME, "VirtualThread-unblocker", "Read-Poller", "Write-Poller",
                        "process reaper", "Common-Cleaner", "Attach Listener").contains(t.getName());
    }

    private static Set<Thread> platformThreads() {
        return new HashSet<>(Thread.getAllStackTraces().keySet());
    }
}
