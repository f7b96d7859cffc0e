package io.lessor.testing;

import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * What fixtures leak on purpose, kept so the test that ran them can stop it afterwards and
 * leave the JVM as it found it.
 */
final class Leftovers {

    private static final Deque<AutoCloseable> PENDING = new ConcurrentLinkedDeque<>();

    private Leftovers() {
    }

    /** Keeps {@code resource} for {@link #closeAll()} and returns it. */
    static <T extends AutoCloseable> T keep(T resource) {
        PENDING.push(resource);
        return resource;
    }

    /** Closes everything kept, newest first. */
    static void closeAll() throws Exception {
        Exception failure = null;
        AutoCloseable resource;
        while ((resource = PENDING.poll()) != null) {
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
