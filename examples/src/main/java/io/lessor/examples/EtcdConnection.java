package io.lessor.examples;

import io.lessor.client.Client;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The etcd endpoints of an example and its dial timeout ({@code --endpoints} and
 * {@code --dial-timeout}), shared by the examples that talk to etcd.
 *
 * <p>The client sends a request only once a connection is ready, and waits for one up to the
 * request's deadline, as etcd's Go client does. With every endpoint down, the first request
 * would wait for the whole request timeout and then fail with {@code DEADLINE_EXCEEDED}. So each
 * example sends its first request under the shorter dial timeout and, when it passes, reports
 * that no server responded, as etcdctl reports a failed dial after its own {@code --dial-timeout}.
 *
 * @param endpoints the etcd endpoints, such as {@code http://127.0.0.1:2379}
 * @param dialTimeout the maximum time the first request waits for a server; greater than zero
 */
record EtcdConnection(List<String> endpoints, Duration dialTimeout) {

    static final String DEFAULT_ENDPOINTS = "http://127.0.0.1:2379";

    static final Duration DEFAULT_DIAL_TIMEOUT = Duration.ofSeconds(5);

    /** The request timeout of {@link Client.Builder}, which later requests keep. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** The options' lines in an example's usage text. */
    static final String USAGE = """
                  --endpoints U   etcd endpoints, separated by commas (default http://127.0.0.1:2379)
                  --dial-timeout D
                                  maximum time the first request waits for an etcd server to respond;
                                  with no response by then, the example exits with status 1 (default 5s)
            """;

    EtcdConnection {
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(dialTimeout, "dialTimeout");
        if (dialTimeout.isNegative() || dialTimeout.isZero()) {
            throw new IllegalArgumentException("dialTimeout must be greater than zero, got " + dialTimeout);
        }
    }

    /** Returns the connection to {@code endpoint} with the default dial timeout. */
    static EtcdConnection of(String endpoint) {
        return new EtcdConnection(List.of(endpoint), DEFAULT_DIAL_TIMEOUT);
    }

    /** Reads {@code --endpoints} and {@code --dial-timeout}, which the example must accept. */
    static EtcdConnection parse(Flags flags) throws UsageException {
        return new EtcdConnection(
                flags.endpoints("endpoints", DEFAULT_ENDPOINTS),
                flags.positiveDuration("dial-timeout", DEFAULT_DIAL_TIMEOUT));
    }

    /** Builds a client of the endpoints whose request timeout is no shorter than the dial timeout. */
    Client newClient() {
        // A longer dial timeout would otherwise be cut short by the request timeout.
        Duration requestTimeout = dialTimeout.compareTo(REQUEST_TIMEOUT) > 0 ? dialTimeout : REQUEST_TIMEOUT;
        return Client.builder()
                .endpoints(endpoints.toArray(String[]::new))
                .requestTimeout(requestTimeout)
                .build();
    }

    /** Returns the message for a first request that got no response within the dial timeout. */
    String noResponseMessage() {
        return "no etcd server responded at " + String.join(",", endpoints) + " within "
                + Flags.formatDuration(dialTimeout) + "; start one there or pass --endpoints";
    }
}
