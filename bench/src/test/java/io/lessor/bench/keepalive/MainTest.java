package io.lessor.bench.keepalive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The harness's command line: defaults, units, and clear errors. */
class MainTest {

    @Test
    void parseAppliesDefaults() {
        MeasurementConfig config = Main.parse(new String[] {"--client", "jetcd", "--endpoint", "http://127.0.0.1:2379"});

        assertThat(config.client()).isEqualTo(ClientKind.JETCD);
        assertThat(config.leases()).isEqualTo(1000);
        assertThat(config.ttlSeconds()).isEqualTo(30);
        assertThat(config.ramp()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.window()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.expectedRenewalsPerSecond()).isEqualTo(100.0);
    }

    @Test
    void parseReadsSecondsWithFractions() {
        MeasurementConfig config = Main.parse(new String[] {"--client", "lessor", "--endpoint", "http://127.0.0.1:2379",
            "--leases", "100_000", "--settle", "2.5", "--server-pid", "42"});

        assertThat(config.leases()).isEqualTo(100_000);
        assertThat(config.settle()).isEqualTo(Duration.ofMillis(2500));
        assertThat(config.serverPid()).isEqualTo(42);
    }

    @Test
    void parseRejectsUnknownClient() {
        assertThatThrownBy(() -> Main.parse(new String[] {"--client", "etcdctl", "--endpoint", "http://127.0.0.1:2379"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid --client etcdctl: expected lessor or jetcd");
    }

    @Test
    void parseRejectsMissingEndpoint() {
        assertThatThrownBy(() -> Main.parse(new String[] {"--client", "lessor"}))
                .hasMessage("missing --endpoint");
    }

    @Test
    void parseRejectsZeroLeases() {
        assertThatThrownBy(() -> Main.parse(new String[] {"--client", "lessor", "--endpoint", "http://127.0.0.1:2379",
            "--leases", "0"}))
                .hasMessage("invalid lease count 0: expected at least 1");
    }

    @Test
    void parseRejectsZeroWindow() {
        assertThatThrownBy(() -> Main.parse(new String[] {"--client", "lessor", "--endpoint", "http://127.0.0.1:2379",
            "--window", "0"}))
                .hasMessageStartingWith("invalid window PT0S");
    }

    @Test
    void parseRejectsOptionWithoutValue() {
        assertThatThrownBy(() -> Main.parse(new String[] {"--client"}))
                .hasMessage("missing value of --client");
    }
}
