package io.lessor.bench.keepalive;

import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures one etcd client keeping leases alive and prints the figures as one line of JSON on
 * standard output. Run it in a fresh JVM per measurement, so that the JVM's threads and CPU
 * belong to the measured client alone:
 *
 * <pre>
 * java -Xms1g -Xmx1g -cp bench/target/lessor-bench.jar io.lessor.bench.keepalive.Main \
 *     --client lessor --endpoint http://127.0.0.1:2379 --leases 1000
 * </pre>
 *
 * <p>{@code bench/client-vs-jetcd.sh} runs it for both clients and several lease counts.
 */
public final class Main {

    private static final String USAGE = """
            usage: Main --client lessor|jetcd --endpoint http://HOST:PORT [options]
              --leases N            leases to grant and keep alive (default 1000)
              --ttl SECONDS         TTL the leases are granted with (default 30)
              --grants-in-flight N  grant requests outstanding at once (default 100)
              --ramp SECONDS        time over which the keep-alives start (default TTL/3)
              --settle SECONDS      wait after every lease's first response (default 10)
              --window SECONDS      measured window (default 20)
              --after-close SECONDS wait after close() before the threads are counted (default 1)
              --server-pid PID      process id of the server, to report its CPU in the window
            """;

    private static final List<String> OPTIONS = List.of("--client", "--endpoint", "--leases", "--ttl",
            "--grants-in-flight", "--ramp", "--settle", "--window", "--after-close", "--server-pid");

    private Main() {
    }

    /** Runs one measurement, or prints the usage for {@code --help}; exits with 2 on invalid arguments. */
    public static void main(String[] args) throws InterruptedException {
        // Before the first logger: keep the clients' debug logging off the measured CPU.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/lessor/bench/keepalive/logback.xml");
        }
        if (List.of(args).contains("-h") || List.of(args).contains("--help")) {
            System.out.print(USAGE);
            return;
        }
        MeasurementConfig config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            fail(System.err, e.getMessage());
            return;
        }
        MeasurementResult result = new KeepAliveMeasurement(config).run();
        System.out.println(result.toJson());
    }

    /**
     * Parses the command line.
     *
     * @throws IllegalArgumentException naming the option that is missing, unknown or invalid
     */
    static MeasurementConfig parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (!OPTIONS.contains(option)) {
                throw new IllegalArgumentException("unknown option " + option);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value of " + option);
            }
            values.put(option, args[++i]);
        }
        if (!values.containsKey("--client")) {
            throw new IllegalArgumentException("missing --client");
        }
        if (!values.containsKey("--endpoint")) {
            throw new IllegalArgumentException("missing --endpoint");
        }

        long ttlSeconds = integer(values, "--ttl", 30);
        return new MeasurementConfig(
                ClientKind.parse(values.get("--client")),
                values.get("--endpoint"),
                Math.toIntExact(integer(values, "--leases", 1000)),
                ttlSeconds,
                Math.toIntExact(integer(values, "--grants-in-flight", 100)),
                seconds(values, "--ramp", Duration.ofSeconds(ttlSeconds).dividedBy(3)),
                seconds(values, "--settle", Duration.ofSeconds(10)),
                seconds(values, "--window", Duration.ofSeconds(20)),
                seconds(values, "--after-close", Duration.ofSeconds(1)),
                integer(values, "--server-pid", 0));
    }

    private static long integer(Map<String, String> values, String option, long defaultValue) {
        String value = values.get(option);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + option + " " + value + ": expected a whole number");
        }
    }

    private static Duration seconds(Map<String, String> values, String option, Duration defaultValue) {
        String value = values.get(option);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Duration.ofNanos(Math.round(Double.parseDouble(value) * 1e9));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + option + " " + value + ": expected seconds, such as 2.5");
        }
    }

    private static void fail(PrintStream err, String message) {
        err.println("error: " + message);
        err.print(USAGE);
        System.exit(2);
    }
}
