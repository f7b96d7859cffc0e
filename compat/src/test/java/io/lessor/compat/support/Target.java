package io.lessor.compat.support;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.lessor.api.ClusterGrpc;
import io.lessor.api.KVGrpc;
import io.lessor.api.LeaseGrpc;
import io.lessor.api.MaintenanceGrpc;
import io.lessor.api.RangeRequest;
import io.lessor.api.WatchGrpc;
import io.lessor.testing.EtcdProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One server that a compatibility scenario runs against, either a real etcd or Lessor, with a
 * plaintext gRPC channel to it on 127.0.0.1.
 *
 * <p>The stub accessors return new stubs on every call. Blocking stubs carry a deadline of
 * {@link #RPC_DEADLINE} from the moment of the call, so a server that does not respond fails
 * the test instead of hanging it. Async stubs carry no deadline, because streams stay open.
 *
 * <p>Lifecycle: {@link #start(TargetKind, Path)} starts the server and opens the channel;
 * {@link #restart(Duration)} restarts the server behind the same endpoint and channel;
 * {@link #close()} closes the channel, waits for it to terminate, then stops the server and
 * deletes its data.
 *
 * <p>Thread-safety: the stubs and the channel may be used from any thread, but {@code restart}
 * and {@code close} must not race with each other.
 */
public final class Target implements AutoCloseable {

    /** The deadline of each call made through a blocking stub. */
    public static final Duration RPC_DEADLINE = Duration.ofSeconds(10);

    /** How long the server may take to serve again after a restart. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final TargetKind kind;
    private final EtcdProcess etcd;
    private final LessorInstance lessor;
    private final ManagedChannel channel;

    private Target(TargetKind kind, EtcdProcess etcd, LessorInstance lessor, int port) {
        this.kind = kind;
        this.etcd = etcd;
        this.lessor = lessor;
        this.channel = NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .usePlaintext()
                .build();
    }

    /** Starts a server of {@code kind} with its data under {@code baseDir}, and connects to it. */
    public static Target start(TargetKind kind, Path baseDir) throws IOException, InterruptedException {
        return start(kind, baseDir, 0);
    }

    /**
     * Starts a server of {@code kind} as {@link #start(TargetKind, Path)} does, with
     * {@code --quota-backend-bytes} set to {@code quotaBackendBytes}; 0 keeps the default.
     */
    public static Target start(TargetKind kind, Path baseDir, long quotaBackendBytes)
            throws IOException, InterruptedException {
        return switch (kind) {
            case ETCD -> {
                List<String> flags = quotaBackendBytes == 0
                        ? List.of()
                        : List.of("--quota-backend-bytes", Long.toString(quotaBackendBytes));
                EtcdProcess etcd = EtcdProcess.start(baseDir, flags);
                yield new Target(kind, etcd, null, etcd.clientPort());
            }
            case LESSOR -> {
                LessorInstance lessor = LessorInstance.start(baseDir, quotaBackendBytes);
                yield new Target(kind, null, lessor, lessor.clientPort());
            }
        };
    }

    public TargetKind kind() {
        return kind;
    }

    /** Returns the client URL, such as {@code http://127.0.0.1:43121}, for etcdctl and jetcd. */
    public String endpoint() {
        return kind == TargetKind.ETCD ? etcd.endpoint() : lessor.endpoint();
    }

    public ManagedChannel channel() {
        return channel;
    }

    public KVGrpc.KVBlockingStub kv() {
        return KVGrpc.newBlockingStub(channel).withDeadlineAfter(RPC_DEADLINE);
    }

    public KVGrpc.KVStub kvAsync() {
        return KVGrpc.newStub(channel);
    }

    public LeaseGrpc.LeaseBlockingStub lease() {
        return LeaseGrpc.newBlockingStub(channel).withDeadlineAfter(RPC_DEADLINE);
    }

    public LeaseGrpc.LeaseStub leaseAsync() {
        return LeaseGrpc.newStub(channel);
    }

    public WatchGrpc.WatchStub watchAsync() {
        return WatchGrpc.newStub(channel);
    }

    public MaintenanceGrpc.MaintenanceBlockingStub maintenance() {
        return MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(RPC_DEADLINE);
    }

    public ClusterGrpc.ClusterBlockingStub cluster() {
        return ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(RPC_DEADLINE);
    }

    /**
     * Stops the server gracefully, waits {@code downtime}, starts it again on the same endpoint
     * and data, and returns once a Range through this target's channel succeeds.
     */
    public void restart(Duration downtime) throws IOException, InterruptedException {
        if (kind == TargetKind.ETCD) {
            etcd.restart(downtime);
        } else {
            lessor.restart(downtime);
        }
        awaitServing();
    }

    /** Stops the server and leaves it stopped until {@link #startAgain()}. */
    public void stopServer() throws InterruptedException {
        if (kind == TargetKind.ETCD) {
            etcd.stop();
        } else {
            lessor.stop();
        }
    }

    /** Starts the server stopped by {@link #stopServer()} on the same endpoint and data. */
    public void startAgain() throws IOException, InterruptedException {
        restart(Duration.ZERO);
    }

    /** Waits until a Range through the channel succeeds, which may take a while if it backs off after a restart. */
    private void awaitServing() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        channel.resetConnectBackoff();
        while (true) {
            try {
                KVGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(1, TimeUnit.SECONDS)
                        .withWaitForReady()
                        .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("health")).build());
                return;
            } catch (StatusRuntimeException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException(this + " did not serve a Range within " + READY_TIMEOUT
                            + " after a restart: " + e.getStatus(), e);
                }
                channel.resetConnectBackoff();
                Thread.sleep(50);
            }
        }
    }

    /** Returns the end of etcd's log, or a note that Lessor logs through SLF4J. */
    public String logTail() {
        return kind == TargetKind.ETCD ? etcd.logTail() : "(Lessor logs through SLF4J into the test output)";
    }

    /** Closes the channel, then stops the server and deletes its data. */
    @Override
    public void close() throws InterruptedException {
        try {
            channel.shutdownNow();
            channel.awaitTermination(10, TimeUnit.SECONDS);
        } finally {
            if (kind == TargetKind.ETCD) {
                etcd.close();
            } else {
                lessor.close();
            }
        }
    }

    @Override
    public String toString() {
        return kind == TargetKind.ETCD ? etcd.toString() : lessor.toString();
    }
}
