package io.lessor.bench.load;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations written as Go and etcd write them: {@code 500ms}, {@code 10s}, {@code 1m30s}. */
final class Durations {

    /** One term of a duration: a decimal number and its unit. */
    private static final Pattern TERM = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
            "ns", 1L,
            "us", 1_000L,
            "µs", 1_000L,
            "ms", 1_000_000L,
            "s", 1_000_000_000L,
            "m", 60_000_000_000L,
            "h", 3_600_000_000_000L);

    private Durations() {
    }

    /**
     * Parses {@code text}, one or more terms such as {@code 1m30s}; {@code 0} alone is zero.
     *
     * @throws UsageException if the text is not a duration or is longer than about 292 years
     */
    static Duration parse(String flag, String text) throws UsageException {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher term = TERM.matcher(text);
        BigDecimal nanos = BigDecimal.ZERO;
        int end = 0;
        while (term.find() && term.start() == end) {
            nanos = nanos.add(new BigDecimal(term.group(1)).multiply(BigDecimal.valueOf(NANOS_PER_UNIT.get(term.group(2)))));
            end = term.end();
        }
        if (end == 0 || end != text.length()) {
            throw new UsageException(flag + ": invalid duration '" + text
                    + "'; write a number and a unit (ns, us, ms, s, m, h), such as 500ms, 10s or 1m30s");
        }
        try {
            return Duration.ofNanos(nanos.setScale(0, RoundingMode.HALF_UP).longValueExact());
        } catch (ArithmeticException e) {
            throw new UsageException(flag + ": duration '" + text + "' is too long; the maximum is about 292 years");
        }
    }

    /** Formats {@code duration} as {@code 1m30s}, {@code 10s} or {@code 250ms}. */
    static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.toNanosPart() % 1_000_000 != 0 || duration.compareTo(Duration.ofSeconds(1)) < 0) {
            if (duration.toNanosPart() % 1_000_000 == 0) {
                return duration.toMillis() + "ms";
            }
            return duration.toNanos() + "ns";
        }
        StringBuilder text = new StringBuilder();
        if (duration.toHours() > 0) {
            text.append(duration.toHours()).append('h');
        }
        if (duration.toMinutesPart() > 0) {
            text.append(duration.toMinutesPart()).append('m');
        }
        if (duration.toSecondsPart() > 0 || duration.toMillisPart() > 0) {
            text.append(duration.toSecondsPart());
            if (duration.toMillisPart() > 0) {
                text.append('.').append(String.format("%03d", duration.toMillisPart()).replaceAll("0+$", ""));
            }
            text.append('s');
        }
        return text.toString();
    }
}
