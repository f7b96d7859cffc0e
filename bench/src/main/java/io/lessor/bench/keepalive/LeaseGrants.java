package io.lessor.bench.keepalive;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.LeaseGrantResponse;
import io.lessor.api.LeaseGrpc;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Grants many leases fast, on a gRPC channel of its own rather than through a measured client:
 * unary LeaseGrant calls with up to {@code inFlight} outstanding at once, sent from a thread of
 * its own. The caller takes each granted id with {@link #next()} as soon as the server has
 * granted it, so a lease's keep-alive can start well within its TTL even when granting all of
 * them takes longer than that. {@link #close()} shuts the channel, its event loop and its
 * executor down and waits for their threads to end.
 */
final class LeaseGrants implements AutoCloseable {

    /** How long one grant, and the shutdown of the granting channel, may take. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final EventLoopGroup eventLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ExecutorService callbacks =
            Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "lease-grants-callbacks"));
    private final ManagedChannel channel;
    private final BlockingQueue<Long> granted = new LinkedBlockingQueue<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread sender;
    private final long startNanos = System.nanoTime();
    private volatile long lastGrantNanos;
    private boolean closed;

    private LeaseGrants(String endpoint, int count, long ttlSeconds, int inFlight) {
        URI uri = URI.create(endpoint);
        channel = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort())
                .eventLoopGroup(eventLoop)
                .channelType(NioSocketChannel.class)
                .executor(callbacks)
                .usePlaintext()
                .build();
        sender = new Thread(() -> send(count, ttlSeconds, inFlight), "lease-grants-sender");
    }

    /** Starts granting {@code count} leases of {@code ttlSeconds} on {@code endpoint}. */
    static LeaseGrants start(String endpoint, int count, long ttlSeconds, int inFlight) {
        LeaseGrants grants = new LeaseGrants(endpoint, count, ttlSeconds, inFlight);
        grants.sender.start();
        return grants;
    }

    /**
     * Returns the id of the next lease granted, waiting for it.
     *
     * @throws IllegalStateException if a grant failed or none arrived within the grant timeout
     */
    long next() throws InterruptedException {
        Long id = granted.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Throwable firstFailure = failure.get();
        if (firstFailure != null) {
            throw new IllegalStateException("lease grant failed: " + firstFailure, firstFailure);
        }
        if (id == null) {
            throw new IllegalStateException("no lease granted within " + TIMEOUT + "; is the server at the endpoint up?");
        }
        return id;
    }

    /** Returns the milliseconds from the start until the last grant's response. */
    long millis() {
        return (lastGrantNanos - startNanos) / 1_000_000;
    }

    private void send(int count, long ttlSeconds, int inFlight) {
        LeaseGrpc.LeaseStub stub = LeaseGrpc.newStub(channel);
        LeaseGrantRequest request = LeaseGrantRequest.newBuilder().setTTL(ttlSeconds).build();
        Semaphore permits = new Semaphore(inFlight);
        try {
            for (int i = 0; i < count && failure.get() == null; i++) {
                permits.acquire();
                stub.withDeadlineAfter(TIMEOUT.toSeconds(), TimeUnit.SECONDS).leaseGrant(request, new StreamObserver<>() {
                    @Override
                    public void onNext(LeaseGrantResponse response) {
                        lastGrantNanos = System.nanoTime();
                        granted.add(response.getID());
                    }

                    @Override
                    public void onError(Throwable error) {
                        failure.compareAndSet(null, error);
                        permits.release();
                    }

                    @Override
                    public void onCompleted() {
                        permits.release();
                    }
                });
            }
        } catch (InterruptedException e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Stops sending, shuts the channel and its threads down, and waits for them. Idempotent. */
    @Override
    public void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        sender.interrupt();
        sender.join(TIMEOUT.toMillis());
        channel.shutdownNow();
        channel.awaitTermination(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        callbacks.shutdown();
        callbacks.awaitTermination(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        eventLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
}
