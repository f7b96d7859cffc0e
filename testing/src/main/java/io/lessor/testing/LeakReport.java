package io.lessor.testing;

import java.time.Duration;
import java.util.List;

/** Formats the failure message of a leak check. */
final class LeakReport {

    private static final String INDENT = "    ";

    private LeakReport() {
    }

    /**
     * Returns the message for {@code leaks}: a summary line, then each leak as a line with its
     * kind and name followed by its stacks, then what to do about them.
     *
     * @param scope what ended before the check, such as "the test"
     */
    static String format(List<Leak> leaks, Duration wait, String scope) {
        StringBuilder out = new StringBuilder();
        out.append(leaks.size()).append(leaks.size() == 1 ? " leak" : " leaks")
                .append(" still alive ").append(wait.toMillis()).append(" ms after ").append(scope)
                .append(" ended:\n");
        for (Leak leak : leaks) {
            out.append(leak.kind()).append(' ').append(leak.title()).append('\n');
            for (Leak.Trace trace : leak.traces()) {
                out.append(INDENT).append(trace.label()).append(":\n");
                if (trace.frames().isEmpty()) {
                    out.append(INDENT).append(INDENT).append("(no frames)\n");
                }
                for (String frame : trace.frames()) {
                    out.append(INDENT).append(INDENT).append(frame).append('\n');
                }
            }
        }
        out.append("Close what the test started (Worker, TaskGroup, CancelableContext), stop and join its threads, "
                + "or ignore a thread that outlives tests on purpose with @LeakCheck(ignoreThreads = \"name-regex\").");
        return out.toString();
    }
}
