package io.lessor.examples;

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
 * The options of one example, parsed from {@code --name value} or {@code --name=value}. Every
 * option takes a value, and an option given twice keeps its last value.
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
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException(example + ": unexpected argument '" + arg
                        + "'; options start with --, such as --" + new TreeSet<>(names).first());
            }

            String name;
            String value;
            int equals = arg.indexOf('=');
            if (equals >= 0) {
                name = arg.substring(2, equals);
                value = arg.substring(equals + 1);
            } else {
                name = arg.substring(2);
                if (i + 1 == args.size()) {
                    throw new UsageException(example + ": option --" + name + " is missing its value");
                }
                i++;
                value = args.get(i);
            }

            if (!names.contains(name)) {
                throw new UsageException(example + ": unknown option --" + name + "; valid options are --"
                        + String.join(", --", new TreeSet<>(names)));
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

    private static IllegalArgumentException invalidDuration(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration; write it like 50ms, 2s or 1m30s"
                + " (units ns, us, ms, s, m, h)");
    }
}
