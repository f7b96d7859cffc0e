package io.lessor.bench.watch;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of {@link Main}.
 *
 * @param command {@code fanout} or {@code idle}
 * @param endpoint the server's client URL, such as {@code http://127.0.0.1:2379}
 * @param watchers how many watchers to open
 * @param watchersPerStream how many watchers share one Watch stream
 * @param channels how many gRPC connections the streams are spread over
 * @param prefix the key prefix that every fan-out watcher watches; each idle watcher watches a
 *     prefix of its own under it
 * @param puts fan-out only: measured puts
 * @param warmupPuts fan-out only: puts delivered before the measured ones
 * @param inFlight fan-out only: puts outstanding at once
 * @param valueBytes fan-out only: the size of each put's value
 * @param keys fan-out only: how many distinct keys the puts cycle through
 * @param timeout how long creating the watchers, or delivering one phase's events, may take
 */
record Options(String command, String endpoint, int watchers, int watchersPerStream, int channels, String prefix,
        int puts, int warmupPuts, int inFlight, int valueBytes, int keys, Duration timeout) {

    static final String USAGE = """
            usage: Main fanout|idle --endpoint http://HOST:PORT --watchers N [options]
              --watchers-per-stream N  watchers on one Watch stream (default 100)
              --channels N             gRPC connections the streams are spread over (default 4)
              --prefix TEXT            fanout: the watched prefix; idle: the prefix under which
                                       each watcher watches one of its own (default fanout/)
              --puts N                 fanout: measured puts (default 10000)
              --warmup-puts N          fanout: puts delivered before measuring (default 1000)
              --in-flight N            fanout: puts outstanding at once (default 64)
              --value-bytes N          fanout: size of each value (default 16)
              --keys N                 fanout: distinct keys the puts cycle through (default 1000)
              --timeout SECONDS        limit on creating the watchers and on each phase (default 300)
            """;

    private static final List<String> NAMES = List.of("--endpoint", "--watchers", "--watchers-per-stream",
            "--channels", "--prefix", "--puts", "--warmup-puts", "--in-flight", "--value-bytes", "--keys",
            "--timeout");

    /**
     * Parses the command line.
     *
     * @throws IllegalArgumentException naming the option that is missing, unknown or invalid
     */
    static Options parse(String[] args) {
        if (args.length == 0 || !(args[0].equals("fanout") || args[0].equals("idle"))) {
            throw new IllegalArgumentException("the first argument must be fanout or idle");
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String name = args[i];
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown option " + name);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value of " + name);
            }
            values.put(name, args[++i]);
        }
        String endpoint = values.get("--endpoint");
        if (endpoint == null) {
            throw new IllegalArgumentException("missing --endpoint");
        }
        if (!values.containsKey("--watchers")) {
            throw new IllegalArgumentException("missing --watchers");
        }
        String prefix = values.getOrDefault("--prefix", "fanout/");
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException("invalid --prefix: expected at least one character");
        }
        return new Options(args[0], endpoint,
                positive(values, "--watchers", 0),
                positive(values, "--watchers-per-stream", 100),
                positive(values, "--channels", 4),
                prefix,
                positive(values, "--puts", 10_000),
                positive(values, "--warmup-puts", 1000),
                positive(values, "--in-flight", 64),
                positive(values, "--value-bytes", 16),
                positive(values, "--keys", 1000),
                Duration.ofSeconds(positive(values, "--timeout", 300)));
    }

    private static int positive(Map<String, String> values, String name, int defaultValue) {
        String value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        int parsed;
        try {
            parsed = Integer.parseInt(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + name + " " + value + ": expected a whole number");
        }
        if (parsed < 1) {
            throw new IllegalArgumentException("invalid " + name + " " + value + ": expected 1 or more");
        }
        return parsed;
    }
}
