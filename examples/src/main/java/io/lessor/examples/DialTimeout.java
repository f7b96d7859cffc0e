package io.lessor.examples;

import io.lessor.client.Client;
import java.time.Duration;
import java.util.List;

/**
 * The bound on how long the etcd examples wait for a server when they start ({@code --dial-timeout}).
 * The client sends a request only once a connection is ready, and waits for one up to the
 * request's deadline, as etcd's Go client does. With every endpoint down, the first request
 * would wait for the whole request timeout and then fail with {@code DEADLINE_EXCEEDED}. So each
 * example sends its first request under this shorter deadline and, when it passes, reports that
 * no server responded, as etcdctl reports a failed dial after its own {@code --dial-timeout}.
 */
final class DialTimeout {

    static final Duration DEFAULT = Duration.ofSeconds(5);

    /** The request timeout of {@link Client.Builder}, which later requests keep. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** The option's lines in the usage text, after {@code --endpoints}. */
    static final String USAGE = """
                  --dial-timeout D
                                  how long the first request waits for an etcd server to answer; with
                                  no answer by then, the example exits with status 1 (default 5s)
            """;

    private DialTimeout() {
    }

    /** Returns a client of {@code endpoints} whose request timeout is no shorter than {@code dialTimeout}. */
    static Client client(List<String> endpoints, Duration dialTimeout) {
        // A longer dial timeout would otherwise be cut short by the request timeout.
        Duration requestTimeout = dialTimeout.compareTo(REQUEST_TIMEOUT) > 0 ? dialTimeout : REQUEST_TIMEOUT;
        return Client.builder()
                .endpoints(endpoints.toArray(String[]::new))
                .requestTimeout(requestTimeout)
                .build();
    }

    /** Returns the message for a first request that got no response within {@code dialTimeout}. */
    static String noAnswer(List<String> endpoints, Duration dialTimeout) {
        return "no etcd server answered at " + String.join(",", endpoints) + " within "
                + Flags.formatDuration(dialTimeout);
    }
}
