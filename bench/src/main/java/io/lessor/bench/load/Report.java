package io.lessor.bench.load;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * Measurements of one run: the requests that succeeded and failed, the time they took, their
 * latency percentiles, and numbers of the workload's own (the extras), such as how long the keys
 * of an expiry storm outlived their TTL.
 *
 * @param workload the workload that ran
 * @param settings the options the run used, as {@link LoadOptions#describe()} lists them
 * @param keyPrefix the prefix of every key the run wrote
 * @param requests requests of the measured stream that succeeded
 * @param errors requests of the measured stream that failed
 * @param abandoned requests of the measured stream given up on after
 *     {@link ClosedLoop#STALL_TIMEOUT} without a response
 * @param errorsByKind failures by gRPC status code or {@link UnexpectedResponseException#KIND}
 * @param firstErrors the message of the first failure of each kind
 * @param seconds the time the measured stream took, from its first request to its last response
 * @param latencies the latency of each request that succeeded, in nanoseconds
 * @param extras the workload's own numbers, in the order they are printed
 * @param failure why the run failed, if it did; the report still contains what it measured
 * @param finishedAt when the run ended, for the JSON report
 */
record Report(
        Workload workload,
        Map<String, Object> settings,
        String keyPrefix,
        long requests,
        long errors,
        long abandoned,
        Map<String, Long> errorsByKind,
        Map<String, String> firstErrors,
        double seconds,
        Histogram latencies,
        Map<String, Object> extras,
        Optional<String> failure,
        Instant finishedAt) {

    /** The latency percentiles of the table and the JSON report, with their labels. */
    static final List<Map.Entry<String, Double>> PERCENTILES = List.of(
            Map.entry("p50", 50.0), Map.entry("p90", 90.0), Map.entry("p99", 99.0), Map.entry("p99.9", 99.9));

    /**
     * Returns the report of a measured stream; a stream that stopped on errors or stalled makes
     * a failed run.
     */
    static Report of(LoadRun run, LoadRun.Measured measured, Map<String, Object> extras) {
        ClosedLoop.Result result = measured.result();
        LatencyRecorder recorder = measured.recorder();
        Optional<String> failure = Optional.empty();
        if (result.stoppedByErrors()) {
            failure = Optional.of(String.format("the run stopped after %,d failed requests (--max-errors %d)",
                    result.failed(), run.options().maxErrors()));
        } else if (result.abandoned() > 0) {
            failure = Optional.of(String.format("%,d requests got no response for %d s, so the run gave up on them",
                    result.abandoned(), ClosedLoop.STALL_TIMEOUT.toSeconds()));
        }
        return new Report(run.options().workload(), run.options().describe(), run.keys().prefixText(),
                result.succeeded(), result.failed(), result.abandoned(), recorder.errorsByKind(),
                recorder.firstErrors(), result.seconds(), recorder.total(), new LinkedHashMap<>(extras), failure,
                Instant.now());
    }

    /** Returns a copy that records {@code reason} as the run's failure. */
    Report failedBecause(String reason) {
        return new Report(workload, settings, keyPrefix, requests, errors, abandoned, errorsByKind, firstErrors,
                seconds, latencies, extras, Optional.of(reason), finishedAt);
    }

    /** Returns successful requests per second of the measured stream. */
    double throughput() {
        return seconds > 0 ? requests / seconds : 0;
    }

    /** Returns the latency at {@code percentile}, in milliseconds; 0 when no request succeeded. */
    double latencyMillis(double percentile) {
        return latencies.getTotalCount() == 0 ? 0 : latencies.getValueAtPercentile(percentile) / 1e6;
    }

    double maxLatencyMillis() {
        return latencies.getTotalCount() == 0 ? 0 : latencies.getMaxValue() / 1e6;
    }

    double meanLatencyMillis() {
        return latencies.getTotalCount() == 0 ? 0 : latencies.getMean() / 1e6;
    }

    /** Returns the report as the table that {@code lessor bench} prints on stdout. */
    String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-12s %s%n", "workload", workload));
        out.append(String.format("%-12s %s%n", "settings", describeSettings()));
        out.append(String.format("%-12s %s%n", "keys under", keyPrefix));
        out.append('\n');
        out.append(String.format("%10s %8s %9s %12s %9s %9s %9s %9s %9s%n",
                "requests", "errors", "seconds", "requests/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms"));
        out.append(String.format("%10d %8d %9.2f %12.1f %9.3f %9.3f %9.3f %9.3f %9.3f%n",
                requests, errors + abandoned, seconds, throughput(), latencyMillis(50), latencyMillis(90),
                latencyMillis(99), latencyMillis(99.9), maxLatencyMillis()));
        if (!errorsByKind.isEmpty()) {
            out.append('\n');
            errorsByKind.forEach((kind, count) -> out.append(String.format("error %s: %,d, first: %s%n",
                    kind, count, firstErrors.get(kind))));
        }
        if (abandoned > 0) {
            out.append(String.format("abandoned without a response: %,d%n", abandoned));
        }
        if (!extras.isEmpty()) {
            out.append('\n');
            int width = extras.keySet().stream().mapToInt(String::length).max().orElse(0);
            extras.forEach((name, value) -> out.append(String.format("%-" + width + "s  %s%n", name, format(value))));
        }
        failure.ifPresent(reason -> out.append('\n').append("FAILED: ").append(reason).append('\n'));
        return out.toString();
    }

    /** Returns the report as JSON, with latencies in milliseconds. */
    String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("workload", workload.commandName());
        root.put("finished_at", finishedAt.toString());
        root.put("settings", settings);
        root.put("key_prefix", keyPrefix);
        root.put("requests", requests);
        Map<String, Object> errorReport = new LinkedHashMap<>();
        errorReport.put("total", errors);
        errorReport.put("abandoned", abandoned);
        errorReport.put("by_kind", errorsByKind);
        errorReport.put("first", firstErrors);
        root.put("errors", errorReport);
        root.put("seconds", seconds);
        root.put("throughput_per_second", throughput());
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("count", latencies.getTotalCount());
        latency.put("mean", meanLatencyMillis());
        PERCENTILES.forEach(p -> latency.put(p.getKey(), latencyMillis(p.getValue())));
        latency.put("max", maxLatencyMillis());
        root.put("latency_ms", latency);
        root.put("extras", extras);
        root.put("failure", failure.orElse(null));
        return Json.write(root);
    }

    private String describeSettings() {
        StringBuilder text = new StringBuilder();
        settings.forEach((name, value) -> {
            if (!text.isEmpty()) {
                text.append(", ");
            }
            text.append(name).append(' ').append(value instanceof List<?> list ? String.join(",",
                    list.stream().map(String::valueOf).toList()) : value);
        });
        return text.toString();
    }

    private static String format(Object value) {
        return switch (value) {
            case Double number -> String.format("%.3f", number);
            case Long number -> String.format("%,d", number);
            case Integer number -> String.format("%,d", number);
            default -> String.valueOf(value);
        };
    }
}
