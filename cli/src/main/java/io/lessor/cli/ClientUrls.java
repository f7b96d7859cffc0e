package io.lessor.cli;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/** Parses etcd-style URL lists such as {@code http://127.0.0.1:2379,http://[::1]:2379}. */
final class ClientUrls {

    private static final int MAX_PORT = 65_535;

    private ClientUrls() {
    }

    /**
     * Returns the socket addresses of a comma-separated list of {@code http://host:port} URLs.
     *
     * @throws IllegalArgumentException naming the URL that is invalid, or that asks for TLS
     */
    static List<InetSocketAddress> parse(String flag, String list) {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String raw : list.split(",")) {
            String url = raw.trim();
            if (url.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(flag + ": invalid URL '" + url + "': " + e.getMessage());
            }
            if ("https".equals(uri.getScheme())) {
                throw new IllegalArgumentException(flag + ": '" + url + "' asks for TLS, which this server does not offer yet; use http://");
            }
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
                throw new IllegalArgumentException(flag + ": invalid URL '" + url + "'; expected http://HOST:PORT");
            }
            if (uri.getPort() > MAX_PORT) {
                throw new IllegalArgumentException(flag + ": invalid URL '" + url + "'; the port must be at most " + MAX_PORT);
            }
            String host = uri.getHost();
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            addresses.add(new InetSocketAddress(host, uri.getPort()));
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException(flag + ": no URL given");
        }
        return addresses;
    }
}
