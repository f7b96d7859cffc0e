package io.lessor.testing;

import java.util.concurrent.CountDownLatch;

/** A thread that waits on a latch until it is closed; closing also waits for it to exit. */
final class ParkedThread implements AutoCloseable {

    private final CountDownLatch release = new CountDownLatch(1);
    private final Thread thread;

    private ParkedThread(Thread.Builder builder) {
        this.thread = builder.start(this::park);
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
