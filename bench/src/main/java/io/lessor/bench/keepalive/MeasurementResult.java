package io.lessor.bench.keepalive;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one measurement. Thread counts are live platform threads of the JVM; "added"
 * is the count minus the baseline taken before the grants and the client started.
 *
 * @param config what was measured
 * @param grantMillis from the first grant request to the last grant response
 * @param startMillis from the first keepAlive call until the last one returned. The calls wait
 *     for the grants and are spread over the ramp, so this is at least the longer of the two
 * @param baselineThreads the live platform threads before the grants and the client started
 * @param keepAliveCallsMillis the time spent inside the client's keepAlive calls, all leases
 *     together, excluding the waits that spread them over the ramp
 * @param firstResponsesMillis from the last keepAlive call until every lease had its first
 *     response, or -1 if that did not happen within the TTL
 * @param windowMillis the measured window, as it lasted
 * @param threadsMin the fewest live platform threads seen in the window (sampled each second)
 * @param threadsMax the most live platform threads seen in the window
 * @param threadsAddedByGroup thread-name groups with more (or fewer) threads at the window's
 *     end than in the baseline
 * @param cpuMillis the process CPU time spent in the window, every thread of the JVM included
 * @param cpuByThreadGroup CPU milliseconds per thread-name group in the window, largest first
 * @param gcCount the garbage collections in the window
 * @param gcMillis the time the collectors report for those collections
 * @param jitMillis the time the JIT compilers spent in the window
 * @param heapUsedMegabytes the heap in use at the window's end
 * @param renewals the responses with a positive TTL that the consumers read in the window
 * @param endedBeforeClose keep-alives that ended before close() was called
 * @param endReasons how many of those ended for each reason
 * @param serverCpuMillis the server process's CPU time in the window, or -1 if unknown
 * @param serverStart the server's keep-alive message counters at the window's start, or null
 *     if the server has no Prometheus endpoint on its client URL
 * @param serverEnd the same counters at the window's end, or null
 * @param closeMillis how long close() took to return
 * @param threadsAfterClose live platform threads {@code afterClose} after close() returned
 * @param nonDaemonAfterClose how many of those are not daemons
 * @param baselineNonDaemon the non-daemon threads of the baseline
 * @param threadsLeftByGroup thread-name groups with more (or fewer) threads after close than
 *     in the baseline
 * @param virtualThreadsAfterClose virtual threads alive after close, from a thread dump, or -1
 *     if the dump failed
 */
record MeasurementResult(
        MeasurementConfig config,
        long grantMillis,
        long startMillis,
        int baselineThreads,
        long keepAliveCallsMillis,
        long firstResponsesMillis,
        long windowMillis,
        int threadsMin,
        int threadsMax,
        Map<String, Integer> threadsAddedByGroup,
        long cpuMillis,
        Map<String, Long> cpuByThreadGroup,
        long gcCount,
        long gcMillis,
        long jitMillis,
        long heapUsedMegabytes,
        long renewals,
        long endedBeforeClose,
        Map<String, Long> endReasons,
        long serverCpuMillis,
        ServerMetrics serverStart,
        ServerMetrics serverEnd,
        double closeMillis,
        int threadsAfterClose,
        int nonDaemonAfterClose,
        int baselineNonDaemon,
        Map<String, Integer> threadsLeftByGroup,
        long virtualThreadsAfterClose) {

    /** Returns the process CPU time in the window as a percentage of one core. */
    double cpuPercentOfCore() {
        return 100.0 * cpuMillis / windowMillis;
    }

    /** Returns the renewals read per second of the window. */
    double renewalsPerSecond() {
        return renewals * 1000.0 / windowMillis;
    }

    /** Returns the results as one line of JSON. */
    String toJson() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("client", config.client().label());
        fields.put("endpoint", config.endpoint());
        fields.put("leases", config.leases());
        fields.put("ttlSeconds", config.ttlSeconds());
        fields.put("rampMillis", config.ramp().toMillis());
        fields.put("settleMillis", config.settle().toMillis());
        fields.put("grantMillis", grantMillis);
        fields.put("startMillis", startMillis);
        fields.put("keepAliveCallsMillis", keepAliveCallsMillis);
        fields.put("firstResponsesMillis", firstResponsesMillis);
        fields.put("windowMillis", windowMillis);
        fields.put("baselineThreads", baselineThreads);
        fields.put("threadsMin", threadsMin);
        fields.put("threadsMax", threadsMax);
        fields.put("threadsAdded", threadsMax - baselineThreads);
        fields.put("threadsAddedByGroup", threadsAddedByGroup);
        fields.put("cpuMillis", cpuMillis);
        fields.put("cpuPercentOfCore", cpuPercentOfCore());
        fields.put("cpuByThreadGroup", cpuByThreadGroup);

        fields.put("gcCount", gcCount);
        fields.put("gcMillis", gcMillis);
        fields.put("jitMillis", jitMillis);
        fields.put("heapUsedMegabytes", heapUsedMegabytes);

        fields.put("renewals", renewals);
        fields.put("renewalsPerSecond", renewalsPerSecond());
        fields.put("expectedRenewalsPerSecond", config.expectedRenewalsPerSecond());
        fields.put("endedBeforeClose", endedBeforeClose);
        fields.put("endReasons", endReasons);
        fields.put("serverCpuPercentOfCore", serverCpuMillis < 0 ? -1.0 : 100.0 * serverCpuMillis / windowMillis);
        boolean counted = serverStart != null && serverEnd != null;
        fields.put("serverRequestsPerSecond",
                counted ? (serverEnd.received() - serverStart.received()) * 1000.0 / windowMillis : -1.0);
        fields.put("serverResponsesPerSecond",
                counted ? (serverEnd.sent() - serverStart.sent()) * 1000.0 / windowMillis : -1.0);
        fields.put("serverUnansweredAtWindowEnd", serverEnd == null ? -1 : serverEnd.received() - serverEnd.sent());

        fields.put("closeMillis", closeMillis);
        fields.put("afterCloseMillis", config.afterClose().toMillis());
        fields.put("threadsAfterClose", threadsAfterClose);
        fields.put("threadsLeftAfterClose", threadsAfterClose - baselineThreads);
        fields.put("nonDaemonAfterClose", nonDaemonAfterClose);
        fields.put("nonDaemonLeftAfterClose", nonDaemonAfterClose - baselineNonDaemon);
        fields.put("threadsLeftByGroup", threadsLeftByGroup);
        fields.put("virtualThreadsAfterClose", virtualThreadsAfterClose);

        StringBuilder json = new StringBuilder();
        appendValue(json, fields);
        return json.toString();
    }

    private static void appendValue(StringBuilder json, Object value) {
        switch (value) {
            case Map<?, ?> map -> {
                json.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (!first) {
                        json.append(',');
                    }
                    first = false;
                    appendString(json, String.valueOf(entry.getKey()));
                    json.append(':');
                    appendValue(json, entry.getValue());
                }
                json.append('}');
            }
            case Double number -> json.append(String.format(Locale.ROOT, "%.3f", number));
            case Number number -> json.append(number);
            default -> appendString(json, String.valueOf(value));
        }
    }

    private static void appendString(StringBuilder json, String text) {
        json.append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
