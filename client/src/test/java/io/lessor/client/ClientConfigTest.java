package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lessor.client.lease.KeepAliveConfig;
import io.lessor.testing.CheckLeaks;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@CheckLeaks
class ClientConfigTest {

    @Test
    void builderRejectsMissingEndpoints() {
        assertThatThrownBy(() -> Client.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one endpoint");
    }

    @Test
    void builderRejectsHttpsEndpoint() {
        assertThatThrownBy(() -> Client.builder().endpoints("https://127.0.0.1:2379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("https://127.0.0.1:2379");
    }

    @Test
    void builderRejectsEndpointWithoutPort() {
        assertThatThrownBy(() -> Client.builder().endpoints("http://127.0.0.1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host:port");
    }

    @Test
    void builderRejectsZeroRequestTimeout() {
        assertThatThrownBy(() -> Client.builder().endpoints("127.0.0.1:2379").requestTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requestTimeout");
    }

    @Test
    void builderAcceptsHostAndPortWithoutScheme() {
        try (Client client = Client.builder().endpoints("127.0.0.1:2379", "http://localhost:2380").build()) {
            assertThat(client.config().endpoints()).hasSize(2);
            assertThat(client.config().endpoints().get(0).getPort()).isEqualTo(2379);
            assertThat(client.config().loadBalancing()).isEqualTo(LoadBalancing.PICK_FIRST);
            assertThat(client.openCalls()).isZero();
        }
    }

    @Test
    void keepAliveConfigRejectsZeroBuffer() {
        assertThatThrownBy(() -> KeepAliveConfig.defaults().withBufferSize(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bufferSize");
    }

    @Test
    void keepAliveConfigRejectsBackoffBelowMinimum() {
        assertThatThrownBy(() -> new KeepAliveConfig(Duration.ofMillis(500), Duration.ofMillis(500), 16,
                Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxRetryBackoff");
    }

    @Test
    void keepAliveConfigDefaultsMatchGoClient() {
        KeepAliveConfig defaults = KeepAliveConfig.defaults();

        assertThat(defaults.sendPeriod()).isEqualTo(Duration.ofMillis(500));
        assertThat(defaults.bufferSize()).isEqualTo(16);
        assertThat(defaults.firstResponseTimeout()).isEqualTo(Duration.ofSeconds(5));
    }
}
