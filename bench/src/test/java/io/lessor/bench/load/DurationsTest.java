package io.lessor.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "0,          0",
        "500ms,      500000000",
        "10s,        10000000000",
        "1m30s,      90000000000",
        "1.5s,       1500000000",
        "2h,         7200000000000",
        "250us,      250000",
        "7ns,        7",
    })
    void parsesGoDurations(String text, long nanos) throws UsageException {
        assertThat(Durations.parse("--duration", text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest(name = "[{index}] '{0}'")
    @ValueSource(strings = {"", "10", "s", "-1s", "1x", "1s2", "1 s", "3000000h"})
    void rejectsOtherText(String text) {
        assertThatThrownBy(() -> Durations.parse("--duration", text))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith("--duration: ");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({
        "0,             0s",
        "250000000,     250ms",
        "10000000000,   10s",
        "90000000000,   1m30s",
        "3600000000000, 1h",
        "1500000000,    1.5s",
        "1234,          1234ns",
    })
    void formatsAsGoDoes(long nanos, String text) {
        assertThat(Durations.format(Duration.ofNanos(nanos))).isEqualTo(text);
    }
}
