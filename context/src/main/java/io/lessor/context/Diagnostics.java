package io.lessor.context;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * What the library has started and not yet finished: tasks and workers still running, contexts
 * created and not yet done, timers still pending. A leak check for tests (such as
 * {@code io.lessor.testing.LeakCheckExtension}) turns tracking on, takes a {@link #mark()}
 * before a test, and after it asks for {@link #liveSince(long)}.
 *
 * <p>Tracking is off by default and then costs one volatile read per created resource. When it
 * is on, each resource records the stack trace of the code that created it, which is slow; turn
 * it on in tests only.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public final class Diagnostics {

    /** The kinds of resource the library tracks. */
    public enum Kind {
        /** A task of a {@link TaskGroup} or the loop of a {@link Worker}. */
        TASK,
        /** A {@link CancelableContext} that is not done. */
        CONTEXT,
        /** A pending timer of {@link Clock#system()}. */
        TIMER
    }

    /**
     * A resource that is still alive.
     *
     * @param kind what it is
     * @param name its name: the task's or the context's description
     * @param sequence its creation order; larger is newer
     * @param thread the thread a task runs on, or {@code null} for other kinds
     * @param createdAt the stack of the code that created it
     */
    public record LiveResource(Kind kind, String name, long sequence, Thread thread, StackTraceElement[] createdAt) {
        @Override
        public String toString() {
            return kind + " " + name + (thread == null ? "" : " on thread " + thread.getName());
        }
    }

    private static volatile boolean tracking;
    /** The origin that resources created on this thread are attributed to, if not their own. */
    private static final ThreadLocal<Long> ORIGIN = new ThreadLocal<>();
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final ConcurrentHashMap<Handle, Boolean> LIVE = new ConcurrentHashMap<>();

    private Diagnostics() {
    }

    /**
     * Turns tracking on or off. Resources created while it was off are never reported; turning
     * it off forgets every tracked resource.
     */
    public static void setTracking(boolean on) {
        tracking = on;
        if (!on) {
            LIVE.clear();
        }
    }

    /** Returns whether tracking is on. */
    public static boolean isTracking() {
        return tracking;
    }

    /** Returns a mark that {@link #liveSince(long)} compares creation order against. */
    public static long mark() {
        return SEQUENCE.get();
    }

    /**
     * Returns the resources that originate after {@code mark} and are still alive, oldest first.
     * A resource originates when it is created, unless it is created by a library task, which
     * passes on its own origin: so the timers and contexts that a worker started before the mark
     * keeps creating do not count. Contexts whose ancestor has ended are resolved first, so they
     * do not count either.
     */
    public static List<LiveResource> liveSince(long mark) {
        List<LiveResource> live = new ArrayList<>();
        for (Handle handle : LIVE.keySet()) {
            if (handle.origin <= mark) {
                continue;
            }
            if (handle.liveness != null && !handle.liveness.getAsBoolean()) {
                LIVE.remove(handle);
                continue;
            }
            live.add(new LiveResource(handle.kind, String.valueOf(handle.subject), handle.sequence, handle.thread,
                    handle.site.getStackTrace()));
        }
        live.sort(Comparator.comparingLong(LiveResource::sequence));
        return live;
    }

    /**
     * Runs {@code action} with every resource it creates, and every resource the tasks it starts
     * create, attributed to {@code origin} instead of its own creation: a test fixture that
     * restarts a server it started before the tests uses the mark it took then, so the restarted
     * server's loops are not reported as the test's leaks.
     */
    public static <T> T attributeTo(long origin, Callable<T> action) throws Exception {
        Long previous = ORIGIN.get();
        ORIGIN.set(origin);
        try {
            return action.call();
        } finally {
            if (previous == null) {
                ORIGIN.remove();
            } else {
                ORIGIN.set(previous);
            }
        }
    }

    /** Runs {@code body} on the calling thread with its resources attributed to {@code handle}'s origin. */
    static void runAttributed(Handle handle, Runnable body) {
        if (handle == null) {
            body.run();
            return;
        }
        ORIGIN.set(handle.origin);
        try {
            body.run();
        } finally {
            ORIGIN.remove();
        }
    }

    /**
     * Starts tracking a resource if tracking is on.
     *
     * @param subject the resource or its name; its {@code toString()} is the name in reports, and
     *     is called only when a report is made, because a context's name is costly to build
     * @param liveness asked by {@link #liveSince(long)} whether the resource is still alive, or
     *     {@code null} if only {@link #release(Handle)} ends it
     * @return the handle to release, or {@code null} when tracking is off
     */
    static Handle track(Kind kind, Object subject, BooleanSupplier liveness) {
        if (!tracking) {
            return null;
        }
        long sequence = SEQUENCE.incrementAndGet();
        Long inherited = ORIGIN.get();
        Handle handle = new Handle(kind, subject, sequence, inherited != null ? inherited : sequence, liveness);
        LIVE.put(handle, Boolean.TRUE);
        return handle;
    }

    static void release(Handle handle) {
        if (handle != null) {
            LIVE.remove(handle);
        }
    }

    /** One tracked resource; identity is its key in the live set. */
    static final class Handle {
        final Kind kind;
        final Object subject;
        final long sequence;
        final long origin;
        final BooleanSupplier liveness;
        final Throwable site = new Throwable("created here");
        volatile Thread thread;

        Handle(Kind kind, Object subject, long sequence, long origin, BooleanSupplier liveness) {
            this.kind = Objects.requireNonNull(kind);
            this.subject = subject;
            this.sequence = sequence;
            this.origin = origin;
            this.liveness = liveness;
        }
    }
}
