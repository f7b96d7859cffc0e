package io.lessor.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * One etcd v3 endpoint in the form {@code --endpoints} takes: {@code http://HOST:PORT} or
 * {@code HOST:PORT}.
 */
record Endpoint(String host, int port) {

    /**
     * Parses a comma-separated list of endpoints.
     *
     * @throws UsageException if the list is empty, an endpoint uses {@code https}, or a host or
     *     port is missing or invalid
     */
    static List<Endpoint> parseList(String flag, String text) throws UsageException {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String trimmed = part.strip();
            if (trimmed.isEmpty()) {
                throw new UsageException(flag + ": empty endpoint in '" + text
                        + "'; give comma-separated URLs such as http://127.0.0.1:2379");
            }
            endpoints.add(parse(flag, trimmed));
        }
        return List.copyOf(endpoints);
    }

    private static Endpoint parse(String flag, String text) throws UsageException {
        String rest = text;
        if (rest.startsWith("https://")) {
            throw new UsageException(flag + ": '" + text + "' uses TLS, which the load generator does not support; "
                    + "use an http:// endpoint");
        }
        if (rest.startsWith("http://")) {
            rest = rest.substring("http://".length());
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        int colon = rest.lastIndexOf(':');
        if (colon <= 0 || colon == rest.length() - 1 || rest.contains("/")) {
            throw new UsageException(flag + ": invalid endpoint '" + text
                    + "'; expected http://HOST:PORT or HOST:PORT, such as http://127.0.0.1:2379");
        }
        String host = rest.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(rest.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65_535) {
            throw new UsageException(flag + ": invalid port in '" + text + "'; expected a number from 1 to 65535");
        }
        return new Endpoint(host, port);
    }

    /** Returns the endpoint as a URL, such as {@code http://127.0.0.1:2379}. */
    String url() {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return url();
    }
}
