package io.lessor.bench.keepalive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The keep-alive message counters of an etcd server, read from its Prometheus endpoint
 * ({@code /metrics} on the client URL): how many LeaseKeepAlive requests it received and how
 * many responses it sent. More requests than responses means the server fell behind, and the
 * clients' repeated renewals of unanswered leases queue up on the stream.
 *
 * <p>The request goes over a plain socket, so that reading the counters starts no thread in
 * the measured JVM (the JDK's HTTP clients keep threads of their own).
 *
 * @param received the LeaseKeepAlive requests the server has received
 * @param sent the LeaseKeepAlive responses the server has sent
 */
record ServerMetrics(long received, long sent) {

    private static final String RECEIVED = "grpc_server_msg_received_total";
    private static final String SENT = "grpc_server_msg_sent_total";
    private static final String METHOD = "grpc_method=\"LeaseKeepAlive\"";
    private static final int TIMEOUT_MILLIS = 5_000;

    /** Returns the counters of the server at {@code endpoint}, or null if it has none. */
    static ServerMetrics read(String endpoint) {
        URI uri = URI.create(endpoint);
        String text;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /metrics HTTP/1.0\r\nHost: " + uri.getHost() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        long received = counter(text, RECEIVED);
        long sent = counter(text, SENT);
        return received < 0 || sent < 0 ? null : new ServerMetrics(received, sent);
    }

    /** Returns the LeaseKeepAlive sample of {@code name}, or -1 if the text has none. */
    private static long counter(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") && line.contains(METHOD)) {
                String value = line.substring(line.lastIndexOf(' ') + 1).trim();
                try {
                    return (long) Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
