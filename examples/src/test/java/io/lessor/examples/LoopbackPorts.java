package io.lessor.examples;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free ports on the loopback address, for tests of an example whose server is down. */
final class LoopbackPorts {

    private LoopbackPorts() {
    }

    /** Returns a loopback port that nothing listens on at the moment of the call. */
    static int unused() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
