package io.lessor.client;

import io.lessor.testing.EtcdProcess;
import io.lessor.testing.LessorServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a real etcd and an in-process Lessor server before a test class and stops both after
 * it. Register it in a static field, after {@code @CheckLeaks}, so the leak check runs after
 * the servers have stopped.
 */
final class Servers implements BeforeAllCallback, AfterAllCallback {

    private final LessorServerExtension lessor = LessorServerExtension.create();
    private EtcdProcess etcd;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        lessor.beforeAll(context);
        etcd = EtcdProcess.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (etcd != null) {
                etcd.close();
            }
        } finally {
            etcd = null;
            lessor.afterAll(context);
        }
    }

    /** Returns the endpoint of {@code server}. */
    String endpoint(Server server) {
        return switch (server) {
            case ETCD -> etcd.endpoint();
            case LESSOR -> lessor.endpoint();
        };
    }

    /** Returns the running etcd. */
    EtcdProcess etcd() {
        return etcd;
    }

    /** Stops {@code server}, waits {@code downtime}, and starts it again on the same port and data. */
    void restart(Server server, Duration downtime) throws Exception {
        switch (server) {
            case ETCD -> etcd.restart(downtime);
            case LESSOR -> lessor.restart(downtime);
        }
    }

    /** Returns a client of {@code server} with the defaults. */
    Client client(Server server) {
        return Client.builder().endpoints(endpoint(server)).build();
    }
}
