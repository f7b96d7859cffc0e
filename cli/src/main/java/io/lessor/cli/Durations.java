package io.lessor.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses Go-style durations with one unit, such as {@code 500ms}, {@code 5s}, {@code 2m}. */
final class Durations {

    private static final Pattern FORMAT = Pattern.compile("(\\d+)(ms|s|m|h)");

    private Durations() {
    }

    /**
     * Returns the duration {@code text} names.
     *
     * @throws IllegalArgumentException naming the flag and the value, if it is not of that form
     */
    static Duration parse(String flag, String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(flag + ": invalid duration '" + text + "'; expected a whole number with ms, s, m or h, like 5s");
        }
        try {
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": invalid duration '" + text + "'; it is too large, use a shorter one like 5s");
        }
    }
}
