package io.lessor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void parsesEachUnit() {
        assertThat(Durations.parse("--f", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("--f", "5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("--f", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("--f", "1h")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void rejectsOverflowingAmount() {
        assertThatThrownBy(() -> Durations.parse("--shutdown-grace", "9999999999999999h"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'9999999999999999h'")
                .hasMessageContaining("too large");
    }

    @Test
    void rejectsMissingUnit() {
        assertThatThrownBy(() -> Durations.parse("--shutdown-grace", "5"))
                .hasMessageContaining("--shutdown-grace")
                .hasMessageContaining("'5'");
    }
}
