package io.lessor.testing;

import java.util.List;
import java.util.Set;

/**
 * One thing that outlived a test.
 *
 * @param kind what leaked
 * @param title its name and, for threads, id and state
 * @param traces its stacks: where a library resource was created, where a thread runs now
 * @param keys identities that stay the same across checks, such as {@code "thread 42"}, so
 *     the class-level check can skip what a test-level check already reported
 */
record Leak(Kind kind, String title, List<Trace> traces, Set<String> keys) {

    /** The kinds of leak, as the failure message names them. */
    enum Kind {
        /** A task or worker of io.lessor.context, still running. */
        TASK,
        /** A cancelable context that was never closed or cancelled. */
        CONTEXT,
        /** A pending timer of the system clock. */
        TIMER,
        /** A platform thread that did not exist before. */
        PLATFORM_THREAD,
        /** A virtual thread that did not exist before. */
        VIRTUAL_THREAD
    }

    /**
     * One stack of a leak.
     *
     * @param label what the stack shows, such as "created at"
     * @param frames the frames, innermost first, each as {@link StackTraceElement#toString()}
     *     prints it, plus a last line with the number left out, if any were
     */
    record Trace(String label, List<String> frames) {
    }
}
