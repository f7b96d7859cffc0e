package io.lessor.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A thread that waits on a latch until it is closed, and closing waits for it to exit. The
 * factories return once the thread waits, because a virtual thread that has started but not run
 * yet may be missing from a thread dump.
 */
final class ParkedThread implements AutoCloseable {

    private final CountDownLatch release = new CountDownLatch(1);
    private final Thread thread;

    private ParkedThread(Thread.Builder builder) {
        this.thread = builder.start(this::park);
        awaitWaiting(thread);
    }

    private static void awaitWaiting(Thread thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.WAITING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(thread + " did not start waiting within 10 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    static ParkedThread platform(String name) {
        return new ParkedThread(Thread.ofPlatform().name(name).daemon(true));
    }

    static ParkedThread virtual(String name) {
        return new ParkedThread(Thread.ofVirtual().name(name));
    }

    Thread thread() {
        return thread;
    }

    private void park() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        release.countDown();
        thread.join();
    }
}
