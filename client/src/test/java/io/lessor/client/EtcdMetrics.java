package io.lessor.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads etcd's Prometheus counters of one gRPC method from {@code /metrics} on its client port,
 * over a plain socket, so no HTTP client thread outlives the read.
 */
final class EtcdMetrics {

    private EtcdMetrics() {
    }

    /**
     * Returns how many calls of {@code method} of {@code service} are open on the server: those
     * started minus those handled.
     */
    static long openCalls(int port, String service, String method) throws IOException {
        String text = fetch(port);
        return sum(text, "grpc_server_started_total", service, method) - sum(text, "grpc_server_handled_total", service, method);
    }

    private static long sum(String text, String metric, String service, String method) {
        Pattern line = Pattern.compile("^" + metric + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
        long total = 0;
        Matcher m = line.matcher(text);
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("grpc_method=\"" + method + "\"") && labels.contains("grpc_service=\"" + service + "\"")) {
                total += (long) Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    private static String fetch(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
