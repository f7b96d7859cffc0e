package io.lessor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ClientUrlsTest {

    @Test
    void parsesListOfUrls() {
        assertThat(ClientUrls.parse("--listen-client-urls", "http://127.0.0.1:2379, http://[::1]:0"))
                .containsExactly(new InetSocketAddress("127.0.0.1", 2379), new InetSocketAddress("::1", 0));
    }

    @Test
    void rejectsTlsWithReason() {
        assertThatThrownBy(() -> ClientUrls.parse("--listen-client-urls", "https://127.0.0.1:2379"))
                .hasMessageContaining("https://127.0.0.1:2379")
                .hasMessageContaining("TLS");
    }

    @Test
    void rejectsUrlWithoutPort() {
        assertThatThrownBy(() -> ClientUrls.parse("--listen-client-urls", "http://127.0.0.1"))
                .hasMessageContaining("expected http://HOST:PORT");
    }

    @Test
    void rejectsEmptyList() {
        assertThatThrownBy(() -> ClientUrls.parse("--listen-client-urls", " , "))
                .hasMessageContaining("no URL given");
    }
}
