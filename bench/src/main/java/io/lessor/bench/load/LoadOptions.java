package io.lessor.bench.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The settings of one run of {@code lessor bench}, parsed from its command line. {@link #parse}
 * fills in each workload's defaults, so every field contains the value that the run uses.
 *
 * @param workload what to send
 * @param endpoints the servers; connection {@code i} goes to endpoint {@code i % size}
 * @param connections the number of gRPC channels ({@code --conns})
 * @param clients the number of concurrent closed-loop requesters ({@code --clients})
 * @param limit when the measured stream of requests ends ({@code --total} or {@code --duration})
 * @param warmup how long to run the workload before the measured run; zero for none
 * @param jsonFile where to write the JSON report, if anywhere
 * @param prefix the start of every key the run writes
 * @param maxErrors failed requests after which the run stops; 0 for no limit
 * @param keySpace the number of distinct keys that put writes
 * @param valueSize the size of each value, in bytes
 * @param lease whether each put attaches a lease
 * @param leases the number of leases of the workload's pool
 * @param ttlSeconds the TTL of granted leases, in seconds
 * @param serializable whether range reads are serializable rather than linearizable
 * @param streams the number of KeepAlive streams
 * @param keysPerLease keys attached to each lease in the expiry storm
 * @param stormTimeout how long the expiry storm waits after the TTL ends for the keys to go
 */
record LoadOptions(
        Workload workload,
        List<Endpoint> endpoints,
        int connections,
        int clients,
        RunLimit limit,
        Duration warmup,
        Optional<Path> jsonFile,
        String prefix,
        long maxErrors,
        long keySpace,
        int valueSize,
        boolean lease,
        int leases,
        long ttlSeconds,
        boolean serializable,
        int streams,
        int keysPerLease,
        Duration stormTimeout) {

    static final String DEFAULT_ENDPOINT = "http://127.0.0.1:2379";
    static final long DEFAULT_TOTAL = 10_000;
    static final long DEFAULT_KEY_SPACE = 100_000;
    /** Keys are the run's prefix and 8 hexadecimal digits, so at most 16^8 distinct keys. */
    static final long MAX_KEY_SPACE = 1L << 32;
    static final int DEFAULT_VALUE_SIZE = 256;
    /** Well below etcd's default request limit of 1.5 MiB, which a put of key and value must fit. */
    static final int MAX_VALUE_SIZE = 1 << 20;
    static final long DEFAULT_MAX_ERRORS = 1_000;
    static final String DEFAULT_PREFIX = "lessor-bench/";
    static final Duration DEFAULT_STORM_TIMEOUT = Duration.ofMinutes(5);

    /** Flags that every workload takes. */
    private static final Set<String> COMMON_FLAGS = Set.of(
            "--endpoints", "--conns", "--clients", "--json", "--prefix", "--max-errors");

    /** Flags that only some workloads take, with the workloads that take them. */
    private static final Map<String, Set<Workload>> WORKLOAD_FLAGS = Map.ofEntries(
            Map.entry("--total", Set.of(Workload.PUT, Workload.RANGE, Workload.TXN, Workload.LEASE_GRANT,
                    Workload.LEASE_KEEPALIVE, Workload.LEASE_REVOKE)),
            Map.entry("--duration", Set.of(Workload.PUT, Workload.RANGE, Workload.TXN, Workload.LEASE_GRANT,
                    Workload.LEASE_KEEPALIVE, Workload.LEASE_REVOKE)),
            Map.entry("--warmup", Set.of(Workload.PUT, Workload.RANGE, Workload.TXN, Workload.LEASE_GRANT,
                    Workload.LEASE_KEEPALIVE)),
            Map.entry("--key-space", Set.of(Workload.PUT)),
            Map.entry("--value-size", Set.of(Workload.PUT, Workload.RANGE, Workload.TXN, Workload.EXPIRY_STORM)),
            Map.entry("--lease", Set.of(Workload.PUT)),
            Map.entry("--leases", Set.of(Workload.PUT, Workload.LEASE_KEEPALIVE, Workload.LEASE_REVOKE,
                    Workload.EXPIRY_STORM, Workload.SCALE)),
            Map.entry("--ttl", Set.of(Workload.PUT, Workload.LEASE_GRANT, Workload.LEASE_KEEPALIVE,
                    Workload.LEASE_REVOKE, Workload.EXPIRY_STORM, Workload.SCALE)),
            Map.entry("--consistency", Set.of(Workload.RANGE)),
            Map.entry("--streams", Set.of(Workload.LEASE_KEEPALIVE, Workload.EXPIRY_STORM)),
            Map.entry("--keys-per-lease", Set.of(Workload.EXPIRY_STORM)),
            Map.entry("--timeout", Set.of(Workload.EXPIRY_STORM)));

    /** Flags that take no value. */
    private static final Set<String> SWITCHES = Set.of("--lease");

    /**
     * Parses the arguments after {@code bench}: the workload, then flags as {@code --name value}
     * or {@code --name=value}. A flag given twice keeps its last value.
     *
     * @throws UsageException if the workload is missing or unknown, a flag is unknown, does not
     *     apply to the workload, lacks its value or has an invalid one
     */
    static LoadOptions parse(List<String> args) throws UsageException {
        if (args.isEmpty()) {
            throw new UsageException("missing workload; expected one of " + Workload.allNames());
        }
        String name = args.get(0);
        Workload workload = Workload.byName(name).orElseThrow(() -> new UsageException(
                (name.startsWith("--") ? "the workload comes before the flags, got '" : "unknown workload '")
                        + name + "'; expected one of " + Workload.allNames()));
        Map<String, String> values = readFlags(workload, args.subList(1, args.size()));
        return new Parsed(workload, values).options();
    }

    private static Map<String, String> readFlags(Workload workload, List<String> args) throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException("unexpected argument '" + arg + "'; flags start with --, such as --clients 10");
            }
            int equals = arg.indexOf('=');
            String flag = equals < 0 ? arg : arg.substring(0, equals);
            if (!COMMON_FLAGS.contains(flag) && !WORKLOAD_FLAGS.containsKey(flag)) {
                throw new UsageException("unknown flag " + flag + "; see lessor bench --help");
            }
            Set<Workload> takers = WORKLOAD_FLAGS.get(flag);
            if (takers != null && !takers.contains(workload)) {
                throw new UsageException(flag + " does not apply to " + workload + "; it applies to "
                        + takers.stream().sorted().map(Workload::commandName).toList());
            }

            String value;
            if (SWITCHES.contains(flag)) {
                value = equals < 0 ? "true" : arg.substring(equals + 1);
                if (!value.equals("true") && !value.equals("false")) {
                    throw new UsageException(flag + " takes no value, or =true or =false; got '" + value + "'");
                }
            } else if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new UsageException(flag + " needs a value; see lessor bench --help");
            }
            values.put(flag, value);
        }
        return values;
    }

    /** Returns the settings as strings, in the order of the help text, for the report. */
    Map<String, Object> describe() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("endpoints", endpoints.stream().map(Endpoint::url).toList());
        settings.put("conns", connections);
        settings.put("clients", clients);
        if (workload.takesRequestLimit()) {
            settings.put("limit", limit.toString());
        }
        if (workload.supportsWarmup()) {
            settings.put("warmup", Durations.format(warmup));
        }
        switch (workload) {
            case PUT -> {
                settings.put("key-space", keySpace);
                settings.put("value-size", valueSize);
                settings.put("lease", lease);
                if (lease) {
                    settings.put("leases", leases);
                    settings.put("ttl-seconds", ttlSeconds);
                }
            }
            case RANGE -> {
                settings.put("value-size", valueSize);
                settings.put("consistency", serializable ? "s" : "l");
            }
            case TXN -> settings.put("value-size", valueSize);
            case LEASE_GRANT -> settings.put("ttl-seconds", ttlSeconds);
            case LEASE_KEEPALIVE -> {
                settings.put("leases", leases);
                settings.put("ttl-seconds", ttlSeconds);
                settings.put("streams", streams);
            }
            case LEASE_REVOKE, SCALE -> {
                settings.put("leases", leases);
                settings.put("ttl-seconds", ttlSeconds);
            }
            case EXPIRY_STORM -> {
                settings.put("leases", leases);
                settings.put("ttl-seconds", ttlSeconds);
                settings.put("keys-per-lease", keysPerLease);
                settings.put("value-size", valueSize);
                settings.put("streams", streams);
                settings.put("timeout", Durations.format(stormTimeout));
            }
        }
        return settings;
    }

    /** The flags of one command line, read into typed values with the workload's defaults. */
    private record Parsed(Workload workload, Map<String, String> values) {

        LoadOptions options() throws UsageException {
            List<Endpoint> endpoints = Endpoint.parseList("--endpoints", values.getOrDefault("--endpoints", DEFAULT_ENDPOINT));
            int connections = intValue("--conns", 1, 1, 10_000);
            int clients = intValue("--clients", 1, 1, 1_000_000);
            RunLimit limit = limit();
            Duration warmup = duration("--warmup", Duration.ZERO);
            Optional<Path> json = Optional.ofNullable(values.get("--json")).map(Path::of);
            String prefix = values.getOrDefault("--prefix", DEFAULT_PREFIX);
            long maxErrors = longValue("--max-errors", DEFAULT_MAX_ERRORS, 0, Long.MAX_VALUE);

            long keySpace = longValue("--key-space", DEFAULT_KEY_SPACE, 1, MAX_KEY_SPACE);
            int valueSize = intValue("--value-size", DEFAULT_VALUE_SIZE, 0, MAX_VALUE_SIZE);
            boolean lease = Boolean.parseBoolean(values.getOrDefault("--lease", "false"));
            if (workload == Workload.PUT && !lease) {
                for (String flag : List.of("--leases", "--ttl")) {
                    if (values.containsKey(flag)) {
                        throw new UsageException(flag + " applies to put only with --lease");
                    }
                }
            }

            int leases = intValue("--leases", defaultLeases(limit), 1, 100_000_000);
            if (workload == Workload.SCALE) {
                limit = new RunLimit.Total(leases);
            }
            long ttlSeconds = ttlSeconds();
            boolean serializable = consistency();

            int streams = intValue("--streams", connections, 1, 100_000);
            int keysPerLease = intValue("--keys-per-lease", 1, 1, 1_000_000);
            Duration stormTimeout = duration("--timeout", DEFAULT_STORM_TIMEOUT);
            if (stormTimeout.isZero()) {
                throw new UsageException("--timeout must be positive, got 0");
            }
            if (workload == Workload.EXPIRY_STORM && (long) leases * keysPerLease > Integer.MAX_VALUE) {
                throw new UsageException("--leases times --keys-per-lease must be at most " + Integer.MAX_VALUE
                        + ", got " + leases + " x " + keysPerLease);
            }

            return new LoadOptions(workload, endpoints, connections, clients, limit, warmup, json, prefix, maxErrors,
                    keySpace, valueSize, lease, leases, ttlSeconds, serializable, streams, keysPerLease, stormTimeout);
        }

        private RunLimit limit() throws UsageException {
            boolean total = values.containsKey("--total");
            boolean timed = values.containsKey("--duration");
            if (total && timed) {
                throw new UsageException("give either --total or --duration, not both");
            }
            if (timed) {
                Duration duration = duration("--duration", Duration.ZERO);
                if (duration.isZero()) {
                    throw new UsageException("--duration must be positive, got " + values.get("--duration"));
                }
                return new RunLimit.Timed(duration);
            }
            return new RunLimit.Total(longValue("--total", DEFAULT_TOTAL, 1, Long.MAX_VALUE));
        }

        private int defaultLeases(RunLimit limit) {
            return switch (workload) {
                case PUT -> 100;
                case LEASE_KEEPALIVE -> 1_000;
                case LEASE_REVOKE -> limit instanceof RunLimit.Total total && total.requests() <= 100_000_000
                        ? (int) total.requests()
                        : 10_000;
                case EXPIRY_STORM -> 10_000;
                case SCALE -> 1_000_000;
                case RANGE, TXN, LEASE_GRANT -> 0;
            };
        }

        private long ttlSeconds() throws UsageException {
            Duration fallback = switch (workload) {
                case LEASE_GRANT -> Duration.ofSeconds(60);
                case EXPIRY_STORM -> Duration.ofSeconds(5);
                case SCALE -> Duration.ofHours(1);
                default -> Duration.ofMinutes(10);
            };
            Duration ttl = duration("--ttl", fallback);
            if (ttl.toNanosPart() != 0 || ttl.getSeconds() < 1) {
                throw new UsageException("--ttl must be a whole number of seconds, at least 1s, because etcd grants "
                        + "TTLs in seconds; got " + values.get("--ttl"));
            }
            return ttl.getSeconds();
        }

        private boolean consistency() throws UsageException {
            String value = values.getOrDefault("--consistency", "l");
            return switch (value) {
                case "l" -> false;
                case "s" -> true;
                default -> throw new UsageException("--consistency must be l (linearizable) or s (serializable), got '"
                        + value + "'");
            };
        }

        private Duration duration(String flag, Duration fallback) throws UsageException {
            String text = values.get(flag);
            return text == null ? fallback : Durations.parse(flag, text);
        }

        private int intValue(String flag, int fallback, int min, int max) throws UsageException {
            return (int) longValue(flag, fallback, min, max);
        }

        private long longValue(String flag, long fallback, long min, long max) throws UsageException {
            String text = values.get(flag);
            if (text == null) {
                return fallback;
            }
            long value;
            try {
                value = Long.parseLong(text.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new UsageException(flag + " must be a whole number, got '" + text + "'");
            }
            if (value < min || value > max) {
                throw new UsageException(flag + " must be from " + min + " to " + max + ", got " + value);
            }
            return value;
        }
    }

    /** Returns every flag name this parser accepts, for tests of the help text. */
    static List<String> allFlags() {
        List<String> flags = new ArrayList<>(COMMON_FLAGS);
        flags.addAll(WORKLOAD_FLAGS.keySet());
        return flags;
    }
}
