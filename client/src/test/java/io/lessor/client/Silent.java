package io.lessor.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A loopback port that accepts TCP connections (the kernel completes them into the backlog)
 * and never responds: a server that hangs. No thread is involved.
 */
final class Silent implements AutoCloseable {

    private final ServerSocket socket;

    Silent() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    String endpoint() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
