package io.lessor.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Flow subscriber that records what it receives and requests {@code initialRequest} items on
 * subscribe; tests request more through {@link #subscription()}.
 */
class RecordingSubscriber<T> implements Flow.Subscriber<T> {

    final List<T> items = new CopyOnWriteArrayList<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final CountDownLatch terminated = new CountDownLatch(1);
    volatile boolean completed;
    private final long initialRequest;
    private volatile Flow.Subscription subscription;
    private final CountDownLatch subscribed = new CountDownLatch(1);

    RecordingSubscriber(long initialRequest) {
        this.initialRequest = initialRequest;
    }

    /** Returns the subscription, waiting for onSubscribe. */
    Flow.Subscription subscription() throws InterruptedException {
        subscribed.await();
        return subscription;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscribed.countDown();
        if (initialRequest != 0) {
            subscription.request(initialRequest);
        }
    }

    @Override
    public void onNext(T item) {
        items.add(item);
    }

    @Override
    public void onError(Throwable failure) {
        error.set(failure);
        terminated.countDown();
    }

    @Override
    public void onComplete() {
        completed = true;
        terminated.countDown();
    }
}
