package io.lessor.testing;

import io.lessor.context.Diagnostics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * A JUnit 5 extension that fails a test which leaves threads or Lessor resources running: the
 * thread-leak check of Lessor's own tests, for anyone's tests.
 *
 * <h2>What it checks</h2>
 *
 * After each test, and after its {@code @AfterEach} methods, it fails the test if any of these
 * is still alive, naming each and showing its stack:
 * <ul>
 *   <li>{@code TASK}: a task of a {@code TaskGroup} or the loop of a {@code Worker} that the test
 *       started, with the stack that started it and the stack it runs now;
 *   <li>{@code CONTEXT}: a {@code CancelableContext} that the test created and neither closed
 *       nor cancelled, and whose parent has not ended either;
 *   <li>{@code TIMER}: a pending timer of {@code Clock.system()}, such as the deadline of an
 *       unclosed {@code withTimeout} context;
 *   <li>{@code PLATFORM_THREAD}: a platform thread that did not exist before the test;
 *   <li>{@code VIRTUAL_THREAD}: a virtual thread that did not exist before the test, only when
 *       virtual-thread checking is on (see below).
 * </ul>
 * Things often end a little after the code that stopped them returns, so the check looks again
 * until they are all gone or the wait (by default {@link #DEFAULT_WAIT}, 2 s) has passed, and
 * fails only then. After
 * the last test of a class, and after its {@code @AfterAll} methods, it checks the same way for
 * what the class's {@code @BeforeAll} methods or class-level extensions started and left
 * running, leaving out what a test has already been failed for.
 *
 * <p>It ignores threads that the runtime starts on first use and keeps: the JDK's (the
 * virtual-thread scheduler's carrier threads, I/O pollers, {@code Common-Cleaner},
 * {@code process reaper}, {@code Attach Listener}, workers of the common fork-join pool and
 * the like), JUnit's and Surefire's own, and Lessor's timer thread {@code lessor-timer}. So a
 * task stuck in the common fork-join pool goes unreported.
 *
 * <h2>How to use it</h2>
 *
 * <pre>{@code
 * @CheckLeaks                              // or @ExtendWith(LeakCheckExtension.class)
 * class LeaseKeepAliveTest {
 *     @Test
 *     void keepAliveStopsWithContext() throws Exception {
 *         try (CancelableContext ctx = Context.background().withCancel();
 *                 Worker sender = Worker.every(ctx, "keepalive-send", Duration.ofMillis(500), c -> send())) {
 *             ...
 *         }   // closing stops the worker, then ends the context: the check passes
 *     }
 * }
 * }</pre>
 *
 * A failure reads like this, one leak per line, each followed by its stacks:
 * <pre>
 * 2 leaks still alive 2000 ms after the test ended:
 * TASK keepalive-send (virtual thread #41)
 *     created at:
 *         io.lessor.context.Worker.every(Worker.java:79)
 *         com.example.LeaseKeepAliveTest.keepAliveStopsWithContext(LeaseKeepAliveTest.java:12)
 *     running at:
 *         ...
 * PLATFORM_THREAD metrics-pusher (#43, TIMED_WAITING, daemon)
 *     running at:
 *         ...
 * </pre>
 *
 * <h2>How to configure it</h2>
 *
 * <ul>
 *   <li>Per class or method: {@link LeakCheck}, for example
 *       {@code @LeakCheck(waitMillis = 5000, virtualThreads = true, ignoreThreads = "pool-\\d+-thread-\\d+")}.
 *   <li>Per registration: {@link #builder()}, as in
 *       <pre>{@code
 * @RegisterExtension
 * static final LeakCheckExtension leaks = LeakCheckExtension.builder()
 *         .checkVirtualThreads(true)
 *         .ignoreThreads("grpc-default-worker-.*")
 *         .build();
 * }</pre>
 *   <li>Globally: the JUnit configuration parameters, or system properties,
 *       {@value #WAIT_MILLIS_PROPERTY}, {@value #VIRTUAL_THREADS_PROPERTY} ({@code true} or
 *       {@code false}) and {@value #IGNORE_THREADS_PROPERTY} (regular expressions separated by
 *       commas, so a pattern cannot contain a comma).
 * </ul>
 * The wait is taken from the nearest {@code @LeakCheck} that sets one, else the builder, else
 * the global parameter, else {@link #DEFAULT_WAIT}. Virtual-thread checking is on if any of
 * them turns it on. Thread-name patterns from all of them add up; each must match a thread's
 * whole name, and none applies to tasks, contexts or timers, which must always be closed.
 *
 * <h2>Cautions</h2>
 *
 * <ul>
 *   <li>It turns on {@link Diagnostics} tracking and leaves it on, so every resource the
 *       library creates from then on records a stack trace; that is slow for production but
 *       fine for tests.
 *   <li>It compares the whole JVM before and after a test, so a thread started by another test
 *       that runs at the same time counts as a leak: do not run checked tests concurrently.
 *   <li>Virtual threads are found through the JDK's JSON thread dump
 *       ({@code com.sun.management.HotSpotDiagnosticMXBean}, JDK 21 or later), which lists the
 *       virtual threads started with {@code Thread.ofVirtual()} only while the system property
 *       {@code jdk.trackAllThreads} is not {@code false}.
 *   <li>Register it once per class: two registrations, such as {@code @CheckLeaks} together
 *       with a {@code @RegisterExtension} field, run two independent checks.
 * </ul>
 *
 * <p>Thread-safety: an instance may be shared by tests on any thread; the JUnit store of each
 * test holds that test's state.
 */
public final class LeakCheckExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    /** How long leaks may take to end, unless configured otherwise. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(2);

    /** Configuration parameter or system property: the wait in milliseconds. */
    public static final String WAIT_MILLIS_PROPERTY = "lessor.leakcheck.waitMillis";

    /** Configuration parameter or system property: {@code true} checks virtual threads too. */
    public static final String VIRTUAL_THREADS_PROPERTY = "lessor.leakcheck.virtualThreads";

    /** Configuration parameter or system property: thread-name patterns to ignore, comma-separated. */
    public static final String IGNORE_THREADS_PROPERTY = "lessor.leakcheck.ignoreThreads";

    /*
     * Implementation notes.
     *
     * Library resources are found by Diagnostics' creation order: a mark taken before the test
     * selects those created during it. Threads are found by id: ids of platform threads come
     * from Thread.getAllStackTraces(), those of virtual threads from the JSON thread dump, and an
     * id is never reused within a JVM run, so "id not in the baseline" means "started since".
     *
     * The class-level check shares one set of reported keys with the test-level checks of the
     * class and its @Nested classes (the first beforeAll creates it, and JUnit's store lookup
     * finds it from below), so a leak fails only the first test or class that finds it.
     */

    private static final String TEST_STATE = "test";
    private static final String CLASS_STATE = "class";
    private static final String REPORTED = "reported";

    private final LeakSettings.BuilderOptions options;
    private final ExtensionContext.Namespace namespace;

    /** Creates the check with the default settings; JUnit calls this for {@code @ExtendWith}. */
    public LeakCheckExtension() {
        this(LeakSettings.BuilderOptions.NONE);
    }

    private LeakCheckExtension(LeakSettings.BuilderOptions options) {
        this.options = options;
        // Per instance, so that two registrations do not overwrite each other's state.
        this.namespace = ExtensionContext.Namespace.create(LeakCheckExtension.class, this);
    }

    /** Returns a builder for a check with its own settings, for {@code @RegisterExtension}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Diagnostics.setTracking(true);
        ExtensionContext.Store store = context.getStore(namespace);
        if (store.get(REPORTED) == null) {
            store.put(REPORTED, ConcurrentHashMap.<String>newKeySet());
        }
        LeakSettings settings = settings(context);
        store.put(CLASS_STATE, new State(settings, LeakFinder.baseline(settings.virtualThreads())));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Diagnostics.setTracking(true);
        LeakSettings settings = settings(context);
        context.getStore(namespace).put(TEST_STATE, new State(settings, LeakFinder.baseline(settings.virtualThreads())));
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        State state = context.getStore(namespace).remove(TEST_STATE, State.class);
        if (state == null) {
            return;
        }
        check(context, state, Set.of(), "the test");
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        State state = context.getStore(namespace).remove(CLASS_STATE, State.class);
        if (state == null) {
            return;
        }
        Set<String> reported = reportedKeys(context);
        check(context, state, reported == null ? Set.of() : reported,
                "all tests of " + context.getRequiredTestClass().getSimpleName());
    }

    private void check(ExtensionContext context, State state, Set<String> excludedKeys, String scope)
            throws InterruptedException {
        List<Leak> leaks = LeakFinder.awaitNoLeaks(state.baseline(), state.settings(), excludedKeys);
        if (leaks.isEmpty()) {
            return;
        }
        Set<String> reported = reportedKeys(context);
        if (reported != null) {
            for (Leak leak : leaks) {
                reported.addAll(leak.keys());
            }
        }
        throw new AssertionError(LeakReport.format(leaks, state.settings().maxWait(), scope));
    }

    @SuppressWarnings("unchecked")
    private Set<String> reportedKeys(ExtensionContext context) {
        return (Set<String>) context.getStore(namespace).get(REPORTED, Set.class);
    }

    private LeakSettings settings(ExtensionContext context) {
        // Nearest first: the method, its class, then the enclosing classes of a @Nested class.
        List<LeakCheck> annotations = new ArrayList<>();
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            c.get().getElement()
                    .flatMap(element -> AnnotationSupport.findAnnotation(element, LeakCheck.class))
                    .filter(annotation -> !annotations.contains(annotation))
                    .ifPresent(annotations::add);
        }
        return LeakSettings.resolve(options, annotations, key -> parameter(context, key));
    }

    /**
     * Returns a JUnit configuration parameter, else the system property of the same name. The
     * launcher usually falls back to system properties by itself, but a launcher built with
     * implicit configuration parameters turned off, such as JUnit's engine test kit, does not.
     */
    private static Optional<String> parameter(ExtensionContext context, String key) {
        return context.getConfigurationParameter(key).or(() -> Optional.ofNullable(System.getProperty(key)));
    }

    /** The settings and the baseline of one check, after a test or after a class. */
    private record State(LeakSettings settings, LeakFinder.Baseline baseline) {
    }

    /**
     * Settings for a {@link LeakCheckExtension} registered with {@code @RegisterExtension}.
     * {@link LeakCheck} annotations still apply on top of them. Not thread-safe.
     */
    public static final class Builder {

        private Duration wait;
        private boolean virtualThreads;
        private final List<String> ignoreThreads = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets how long leaks may take to end before the test fails.
         *
         * @throws IllegalArgumentException if {@code wait} is negative
         */
        public Builder waitUpTo(Duration wait) {
            Objects.requireNonNull(wait, "wait");
            if (wait.isNegative()) {
                throw new IllegalArgumentException("leak check wait must be zero or positive, got " + wait);
            }
            this.wait = wait;
            return this;
        }

        /** Sets whether new virtual threads count as leaks; off by default. */
        public Builder checkVirtualThreads(boolean on) {
            this.virtualThreads = on;
            return this;
        }

        /**
         * Adds regular expressions for names of threads that may outlive a test; each must
         * match the whole name.
         *
         * @throws java.util.regex.PatternSyntaxException if a pattern is invalid
         */
        public Builder ignoreThreads(String... patterns) {
            for (String pattern : patterns) {
                Pattern.compile(Objects.requireNonNull(pattern, "pattern"));
                ignoreThreads.add(pattern);
            }
            return this;
        }

        /** Returns an extension with these settings. */
        public LeakCheckExtension build() {
            return new LeakCheckExtension(new LeakSettings.BuilderOptions(wait, virtualThreads, List.copyOf(ignoreThreads)));
        }
    }
}
