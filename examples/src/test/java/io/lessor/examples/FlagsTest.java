package io.lessor.examples;

import io.lessor.testing.CheckLeaks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

@CheckLeaks
class FlagsTest {

    private static final Set<String> NAMES = Set.of("period", "count");

    @Test
    void parseDurationAcceptsGoSyntax() {
        Map<String, Duration> cases = Map.ofEntries(
                Map.entry("0", Duration.ZERO),
                Map.entry("0s", Duration.ZERO),
                Map.entry("10ns", Duration.ofNanos(10)),
                Map.entry("100us", Duration.ofNanos(100_000)),
                Map.entry("100µs", Duration.ofNanos(100_000)),
                Map.entry("50ms", Duration.ofMillis(50)),
                Map.entry("2s", Duration.ofSeconds(2)),
                Map.entry("1.5s", Duration.ofMillis(1_500)),
                Map.entry(".5s", Duration.ofMillis(500)),
                Map.entry("1m30s", Duration.ofSeconds(90)),
                Map.entry("2h45m", Duration.ofMinutes(165)),
                Map.entry("1.0000000005s", Duration.ofNanos(1_000_000_000)),
                Map.entry("2562047h", Duration.ofHours(2_562_047)));

        cases.forEach((text, expected) ->
                assertThat(Flags.parseDuration(text)).as("parseDuration(%s)", text).isEqualTo(expected));
    }

    @Test
    void parseDurationRejectsOtherText() {
        for (String text : List.of("", "5", "ms", "-1s", "1d", "1s2", "1 s", "s1", "1.s.")) {
            assertThatThrownBy(() -> Flags.parseDuration(text))
                    .as("parseDuration(%s)", text)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("'" + text + "' is not a duration; write it like 50ms, 2s or 1m30s (units ns, us, ms, s, m, h)");
        }
    }

    @Test
    void parseDurationRejectsOverflow() {
        assertThatThrownBy(() -> Flags.parseDuration("2562048h"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'2562048h' is too long; the maximum is about 292 years");
    }

    @Test
    void formatDurationWritesWhatParseReads() {
        Map<Duration, String> cases = Map.ofEntries(
                Map.entry(Duration.ZERO, "0s"),
                Map.entry(Duration.ofNanos(1), "1ns"),
                Map.entry(Duration.ofNanos(1_500_001), "1500001ns"),
                Map.entry(Duration.ofMillis(500), "500ms"),
                Map.entry(Duration.ofMillis(1_500), "1500ms"),
                Map.entry(Duration.ofSeconds(5), "5s"),
                Map.entry(Duration.ofSeconds(90), "1m30s"),
                Map.entry(Duration.ofHours(2), "2h"),
                Map.entry(Duration.ofSeconds(3_723), "1h2m3s"),
                Map.entry(Duration.ofHours(2_562_047), "2562047h"));

        cases.forEach((duration, text) -> {
            assertThat(Flags.formatDuration(duration)).as("formatDuration(%s)", duration).isEqualTo(text);
            assertThat(Flags.parseDuration(text)).as("parseDuration(%s)", text).isEqualTo(duration);
        });
    }

    @Test
    void formatDurationRejectsNegative() {
        assertThatThrownBy(() -> Flags.formatDuration(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("duration must not be negative, got PT-0.001S");
    }

    @Test
    void parseTakesBothOptionForms() throws UsageException {
        Flags flags = Flags.parse("demo", List.of("--period", "50ms", "--count=7"), NAMES);

        assertThat(flags.duration("period", Duration.ZERO)).isEqualTo(Duration.ofMillis(50));
        assertThat(flags.integer("count", 0, 0)).isEqualTo(7);
    }

    @Test
    void parseKeepsLastValueAndDefaults() throws UsageException {
        Flags repeated = Flags.parse("demo", List.of("--count", "1", "--count", "2"), NAMES);
        Flags empty = Flags.parse("demo", List.of(), NAMES);

        assertThat(repeated.integer("count", 0, 0)).isEqualTo(2);
        assertThat(empty.integer("count", 5, 0)).isEqualTo(5);
        assertThat(empty.duration("period", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        assertThat(empty.string("period")).isEmpty();
    }

    @Test
    void parseRejectsBadArguments() {
        assertThatThrownBy(() -> Flags.parse("demo", List.of("--period"), NAMES))
                .isInstanceOf(UsageException.class)
                .hasMessage("demo: option --period is missing its value");
        assertThatThrownBy(() -> Flags.parse("demo", List.of("--speed", "3"), NAMES))
                .isInstanceOf(UsageException.class)
                .hasMessage("demo: unknown option --speed; valid options are --count, --period");
        assertThatThrownBy(() -> Flags.parse("demo", List.of("50ms"), NAMES))
                .isInstanceOf(UsageException.class)
                .hasMessage("demo: unexpected argument '50ms'; options start with --, such as --count");
        assertThatThrownBy(() -> Flags.parse("demo", List.of("--"), NAMES))
                .isInstanceOf(UsageException.class)
                .hasMessage("demo: unexpected argument '--'; options start with --, such as --count");
    }

    @Test
    void integerChecksRangeAndSyntax() throws UsageException {
        Flags negative = Flags.parse("demo", List.of("--count", "-1"), NAMES);
        Flags word = Flags.parse("demo", List.of("--count", "many"), NAMES);

        assertThatThrownBy(() -> negative.integer("count", 0, 0))
                .isInstanceOf(UsageException.class)
                .hasMessage("demo: invalid --count: must be at least 0, got -1");
        assertThatThrownBy(() -> word.integer("count", 0, 0))
                .isInstanceOf(UsageException.class)
                .hasMessage("demo: invalid --count: 'many' is not an integer");
    }

    @Test
    void switchTakesNoValue() throws UsageException {
        Flags on = Flags.parse("demo", List.of("--watch", "--period", "5ms"), NAMES, Set.of("watch"));
        Flags off = Flags.parse("demo", List.of("--watch=false"), NAMES, Set.of("watch"));
        Flags absent = Flags.parse("demo", List.of(), NAMES, Set.of("watch"));

        assertThat(on.isOn("watch")).isTrue();
        assertThat(on.duration("period", Duration.ZERO)).isEqualTo(Duration.ofMillis(5));
        assertThat(off.isOn("watch")).isFalse();
        assertThat(absent.isOn("watch")).isFalse();
    }

    @Test
    void unknownOptionListsSwitchesToo() {
        assertThatThrownBy(() -> Flags.parse("demo", List.of("--speed", "3"), NAMES, Set.of("watch")))
                .isInstanceOf(UsageException.class)
                .hasMessage("demo: unknown option --speed; valid options are --count, --period, --watch");
    }

    @Test
    void wholeSecondsChecksFractionAndMinimum() throws UsageException {
        Flags minute = Flags.parse("demo", List.of("--period", "1m"), NAMES);
        Flags fraction = Flags.parse("demo", List.of("--period", "2500ms"), NAMES);
        Flags zero = Flags.parse("demo", List.of("--period", "0"), NAMES);

        assertThat(minute.wholeSeconds("period", 10, 1)).isEqualTo(60);
        assertThat(Flags.parse("demo", List.of(), NAMES).wholeSeconds("period", 10, 1)).isEqualTo(10);
        assertThatThrownBy(() -> fraction.wholeSeconds("period", 10, 1))
                .isInstanceOf(UsageException.class)
                .hasMessage("demo: invalid --period: must be whole seconds, got 2500ms");
        assertThatThrownBy(() -> zero.wholeSeconds("period", 10, 1))
                .isInstanceOf(UsageException.class)
                .hasMessage("demo: invalid --period: must be at least 1s, got 0");
    }
}
