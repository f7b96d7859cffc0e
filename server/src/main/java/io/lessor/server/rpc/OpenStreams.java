package io.lessor.server.rpc;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server's open bidirectional streams, so that a graceful stop can end each of them with
 * etcd's "server stopped" status instead of leaving clients to time out.
 */
final class OpenStreams {

    private final Set<Stream<?>> streams = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean stopping = new AtomicBoolean();

    /**
     * One open stream. Its methods serialize every call on the observer, which gRPC requires,
     * and make the first end (completed, failed or stopped) the only one.
     */
    static final class Stream<T> {
        private final ServerCallStreamObserver<T> observer;
        private final ReentrantLock lock = new ReentrantLock();
        // @GuardedBy("lock")
        private boolean ended;

        Stream(ServerCallStreamObserver<T> observer) {
            this.observer = observer;
        }

        /** Sends {@code message}; returns {@code false} if the stream has ended. */
        boolean send(T message) {
            lock.lock();
            try {
                if (ended) {
                    return false;
                }
                observer.onNext(message);
                return true;
            } finally {
                lock.unlock();
            }
        }

        /** Ends the stream with status OK unless it has ended. */
        void complete() {
            end(null);
        }

        /** Ends the stream with {@code status} unless it has ended. */
        void fail(Throwable status) {
            end(status);
        }

        /** Marks the stream ended without telling the client, for a call the client cancelled. */
        void abandon() {
            lock.lock();
            try {
                ended = true;
            } finally {
                lock.unlock();
            }
        }

        private void end(Throwable status) {
            lock.lock();
            try {
                if (ended) {
                    return;
                }
                ended = true;
                if (observer.isCancelled()) {
                    return;
                }
                if (status == null) {
                    observer.onCompleted();
                } else {
                    observer.onError(status);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Registers a stream.
     *
     * @return the stream; if the server is stopping, it has been ended with "server stopped"
     */
    <T> Stream<T> open(ServerCallStreamObserver<T> observer) {
        Stream<T> stream = new Stream<>(observer);
        streams.add(stream);
        if (stopping.get()) {
            streams.remove(stream);
            stream.fail(Replies.serverStopped());
        }
        return stream;
    }

    void close(Stream<?> stream) {
        streams.remove(stream);
    }

    /** Ends every open stream with UNAVAILABLE "etcdserver: server stopped"; later ones too. */
    void stopAll() {
        stopping.set(true);
        for (Stream<?> stream : streams) {
            stream.fail(Replies.serverStopped());
        }
        streams.clear();
    }
}
