package io.lessor.examples;

import io.lessor.client.Client;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options of one example, parsed from {@code --name value} or {@code --name=value}, and its
 * switches, which take no value: {@code --name} turns one on, and {@code --name=true} or
 * {@code --name=false} sets it. An option or switch given twice keeps its last value.
 */
final class Flags {

    /** One term of a duration such as {@code 1m30s}: a decimal number and its unit. */
    private static final Pattern DURATION_TERM = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
            "ns", 1L,
            "us", 1_000L,
            "µs", 1_000L,
            "ms", 1_000_000L,
            "s", 1_000_000_000L,
            "m", 60_000_000_000L,
            "h", 3_600_000_000_000L);

    private final String example;
    private final Map<String, String> values;

    private Flags(String example, Map<String, String> values) {
        this.example = example;
        this.values = values;
    }

    /**
     * Parses {@code args}, the arguments after the example's name.
     *
     * @param example the example's name, which starts every error message
     * @param names the option names the example accepts, without the leading {@code --}
     * @throws UsageException if an argument is not an option, an option is unknown, or its value
     *     is missing
     */
    static Flags parse(String example, List<String> args, Set<String> names) throws UsageException {
        return parse(example, args, names, Set.of());
    }

    /**
     * Parses {@code args}, the arguments after the example's name, with switches as well as
     * options.
     *
     * @param example the example's name, which starts every error message
     * @param names the option names the example accepts, without the leading {@code --}
     * @param switches the switch names the example accepts, without the leading {@code --}
     * @throws UsageException if an argument is not an option or switch, a name is unknown, an
     *     option's value is missing, or a switch's value is neither {@code true} nor {@code false}
     */
    static Flags parse(String example, List<String> args, Set<String> names, Set<String> switches)
            throws UsageException {
        TreeSet<String> allNames = new TreeSet<>(names);
        allNames.addAll(switches);
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException(example + ": unexpected argument '" + arg
                        + "'; options start with --, such as --" + allNames.first());
            }

            String name;
            String value;
            int equals = arg.indexOf('=');
            if (equals >= 0) {
                name = arg.substring(2, equals);
                value = arg.substring(equals + 1);
            } else {
                name = arg.substring(2);
                value = null;
            }

            if (!allNames.contains(name)) {
                throw new UsageException(example + ": unknown option --" + name + "; valid options are --"
                        + String.join(", --", allNames));
            }
            if (switches.contains(name)) {
                if (value == null) {
                    value = "true";
                } else if (!value.equals("true") && !value.equals("false")) {
                    throw new UsageException(example + ": invalid --" + name + ": '" + value
                            + "' is not true or false; write --" + name + " alone to turn it on");
                }
            } else if (value == null) {
                if (i + 1 == args.size()) {
                    throw new UsageException(example + ": option --" + name + " is missing its value");
                }
                i++;
                value = args.get(i);
            }
            values.put(name, value);
        }
        return new Flags(example, values);
    }

    /** Returns the value of option {@code name}, if it was given. */
    Optional<String> string(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /**
     * Returns option {@code name}, or {@code defaultValue} if it was not given.
     *
     * @throws UsageException if the value is empty
     */
    String nonEmptyString(String name, String defaultValue) throws UsageException {
        String value = values.getOrDefault(name, defaultValue);
        if (value.isEmpty()) {
            throw new UsageException(example + ": invalid --" + name + ": must not be empty");
        }
        return value;
    }

    /**
     * Returns option {@code name} as a list of etcd endpoints separated by commas, such as
     * {@code http://127.0.0.1:2379,http://127.0.0.1:22379}, or {@code defaultValue} split the
     * same way if it was not given.
     *
     * @throws UsageException if an endpoint is not {@code http://host:port} or {@code host:port}
     */
    List<String> endpoints(String name, String defaultValue) throws UsageException {
        List<String> endpoints = List.of(values.getOrDefault(name, defaultValue).split(",", -1));
        for (String endpoint : endpoints) {
            try {
                // The builder only parses the URL; nothing connects until a client is built and used.
                Client.builder().endpoints(endpoint);
            } catch (IllegalArgumentException e) {
                throw new UsageException(example + ": invalid --" + name + ": " + e.getMessage());
            }
        }
        return endpoints;
    }

    /** Returns whether switch {@code name} is on; a switch that was not given is off. */
    boolean isOn(String name) {
        return Boolean.parseBoolean(values.get(name));
    }

    /**
     * Returns option {@code name} as a whole number of seconds of at least {@code minSeconds},
     * or {@code defaultSeconds} if it was not given. The value is a duration such as {@code 10s}
     * or {@code 1m}, as lease TTLs are whole seconds in etcd's API.
     *
     * @throws UsageException if the value is not a duration, has a fraction of a second, or is
     *     shorter than {@code minSeconds}
     */
    long wholeSeconds(String name, long defaultSeconds, long minSeconds) throws UsageException {
        Duration value = duration(name, Duration.ofSeconds(defaultSeconds));
        if (value.toNanosPart() != 0) {
            throw new UsageException(example + ": invalid --" + name + ": must be whole seconds, got "
                    + values.get(name));
        }
        if (value.getSeconds() < minSeconds) {
            throw new UsageException(example + ": invalid --" + name + ": must be at least " + minSeconds
                    + "s, got " + values.get(name));
        }
        return value.getSeconds();
    }

    /**
     * Returns option {@code name} as a duration, or {@code defaultValue} if it was not given.
     *
     * @throws UsageException if the value is not a duration such as {@code 50ms} or {@code 1m30s}
     */
    Duration duration(String name, Duration defaultValue) throws UsageException {
        String text = values.get(name);
        if (text == null) {
            return defaultValue;
        }
        try {
            return parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(example + ": invalid --" + name + ": " + e.getMessage());
        }
    }

    /**
     * Returns option {@code name} as a duration greater than zero, or {@code defaultValue} if it
     * was not given.
     *
     * @throws UsageException if the value is not a duration or is zero
     */
    Duration positiveDuration(String name, Duration defaultValue) throws UsageException {
        Duration value = duration(name, defaultValue);
        if (value.isZero()) {
            throw new UsageException(example + ": invalid --" + name + ": must be greater than zero, got "
                    + values.get(name));
        }
        return value;
    }

    /**
     * Returns option {@code name} as an integer of at least {@code min}, or {@code defaultValue}
     * if it was not given.
     *
     * @throws UsageException if the value is not an integer or is less than {@code min}
     */
    int integer(String name, int defaultValue, int min) throws UsageException {
        return integer(name, defaultValue, min, Integer.MAX_VALUE);
    }

    /**
     * Returns option {@code name} as an integer from {@code min} to {@code max}, or
     * {@code defaultValue} if it was not given.
     *
     * @throws UsageException if the value is not an integer or lies outside that range
     */
    int integer(String name, int defaultValue, int min, int max) throws UsageException {
        String text = values.get(name);
        if (text == null) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new UsageException(example + ": invalid --" + name + ": '" + text + "' is not an integer");
        }
        if (value < min) {
            throw new UsageException(example + ": invalid --" + name + ": must be at least " + min + ", got " + value);
        }
        if (value > max) {
            throw new UsageException(example + ": invalid --" + name + ": must be at most " + max + ", got " + value);
        }
        return value;
    }

    /**
     * Parses a duration written as Go's {@code time.ParseDuration} accepts it, without a sign:
     * one or more terms of a decimal number and a unit ({@code ns}, {@code us}, {@code ms},
     * {@code s}, {@code m}, {@code h}), such as {@code 50ms}, {@code 1.5s} or {@code 1m30s}.
     * A bare {@code 0} is zero. Fractions of a nanosecond are dropped.
     *
     * @throws IllegalArgumentException if {@code text} is not such a duration, or is longer
     *     than about 292 years
     */
    static Duration parseDuration(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        if (text.isEmpty()) {
            throw invalidDuration(text);
        }
        Matcher term = DURATION_TERM.matcher(text);
        BigDecimal nanos = BigDecimal.ZERO;
        int end = 0;
        while (end < text.length()) {
            term.region(end, text.length());
            if (!term.lookingAt()) {
                throw invalidDuration(text);
            }
            BigDecimal amount = new BigDecimal(term.group(1));
            nanos = nanos.add(amount.multiply(BigDecimal.valueOf(NANOS_PER_UNIT.get(term.group(2)))));
            end = term.end();
        }

        BigInteger wholeNanos = nanos.toBigInteger();
        if (wholeNanos.bitLength() >= Long.SIZE) {
            throw new IllegalArgumentException("'" + text + "' is too long; the maximum is about 292 years");
        }
        return Duration.ofNanos(wholeNanos.longValueExact());
    }

    /**
     * Formats {@code duration} the way the options are written, so that {@link #parseDuration}
     * reads it back: whole hours, minutes and seconds as {@code 1h2m3s}, other durations in
     * whole milliseconds such as {@code 1500ms}, or in nanoseconds. Zero is {@code 0s}.
     *
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    static String formatDuration(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, got " + duration);
        }
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.toNanosPart() != 0) {
            boolean wholeMillis = duration.toNanosPart() % 1_000_000 == 0;
            return wholeMillis ? duration.toMillis() + "ms" : duration.toNanos() + "ns";
        }
        StringBuilder text = new StringBuilder();
        if (duration.toHours() > 0) {
            text.append(duration.toHours()).append('h');
        }
        if (duration.toMinutesPart() > 0) {
            text.append(duration.toMinutesPart()).append('m');
        }
        if (duration.toSecondsPart() > 0) {
            text.append(duration.toSecondsPart()).append('s');
        }
        return text.toString();
    }

    private static IllegalArgumentException invalidDuration(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration; write it like 50ms, 2s or 1m30s"
                + " (units ns, us, ms, s, m, h)");
    }
}
