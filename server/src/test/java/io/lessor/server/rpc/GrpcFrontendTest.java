package io.lessor.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.lessor.api.KVGrpc;
import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.LeaseGrpc;
import io.lessor.api.LeaseKeepAliveRequest;
import io.lessor.api.LeaseKeepAliveResponse;
import io.lessor.api.PutRequest;
import io.lessor.context.LeakCheck;
import io.lessor.server.LessorServer;
import io.lessor.server.ServerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
class GrpcFrontendTest {

    @TempDir
    Path dataDir;

    private LessorServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        server = LessorServer.start(ServerConfig.defaults(dataDir).withListenAddress(new InetSocketAddress("127.0.0.1", 0)));
        InetSocketAddress bound = server.listenAddresses().get(0);
        channel = NettyChannelBuilder.forAddress(bound.getHostString(), bound.getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    void keepAliveAnswersInOrderWithZeroTtlForUnknown() throws Exception {
        long leaseId = LeaseGrpc.newBlockingStub(channel).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(10).build()).getID();
        LinkedBlockingQueue<LeaseKeepAliveResponse> responses = new LinkedBlockingQueue<>();
        CompletableFuture<Status> end = new CompletableFuture<>();
        StreamObserver<LeaseKeepAliveRequest> requests = LeaseGrpc.newStub(channel).leaseKeepAlive(collect(responses, end));

        requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(leaseId).build());
        requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(555).build());
        requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(leaseId).build());
        requests.onCompleted();

        assertThat(end.get(5, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
        assertThat(responses).extracting(LeaseKeepAliveResponse::getID).containsExactly(leaseId, 555L, leaseId);
        assertThat(responses).extracting(LeaseKeepAliveResponse::getTTL).containsExactly(10L, 0L, 10L);
    }

    @Test
    void stopEndsOpenStreamWithServerStopped() throws Exception {
        LinkedBlockingQueue<LeaseKeepAliveResponse> responses = new LinkedBlockingQueue<>();
        CompletableFuture<Status> end = new CompletableFuture<>();
        StreamObserver<LeaseKeepAliveRequest> requests = LeaseGrpc.newStub(channel).leaseKeepAlive(collect(responses, end));
        requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(1).build());
        assertThat(responses.poll(5, TimeUnit.SECONDS)).isNotNull();

        server.stop(Duration.ofSeconds(2));

        Status status = end.get(5, TimeUnit.SECONDS);
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).isEqualTo("etcdserver: server stopped");
    }

    @Test
    void requestOverLimitGetsEtcdError() {
        byte[] value = new byte[1536 * 1024 + 1];
        PutRequest tooLarge = PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("big")).setValue(ByteString.copyFrom(value)).build();

        assertThatThrownBy(() -> KVGrpc.newBlockingStub(channel).put(tooLarge))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: request is too large");
                });
    }

    @Test
    void requestOverGrpcLimitIsRejectedWithoutCrash() {
        byte[] value = new byte[3 * 1024 * 1024];
        PutRequest huge = PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("huge")).setValue(ByteString.copyFrom(value)).build();

        assertThatThrownBy(() -> KVGrpc.newBlockingStub(channel).put(huge))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        long leaseId = LeaseGrpc.newBlockingStub(channel).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(5).build()).getID();
        assertThat(leaseId).isPositive();
    }

    @Test
    void oversizedMessageLogsNoStackTrace() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger grpcStream = Logger.getLogger(TransportWarningLog.OVERSIZED_MESSAGES.loggerName());
        grpcStream.addHandler(capture);
        try {
            PutRequest huge = PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("huge"))
                    .setValue(ByteString.copyFrom(new byte[3 * 1024 * 1024])).build();

            assertThatThrownBy(() -> KVGrpc.newBlockingStub(channel).put(huge))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));

            // grpc-java logs before it sends the status, so a record would be here by now.
            assertThat(records).isEmpty();
        } finally {
            grpcStream.removeHandler(capture);
        }
    }

    private static StreamObserver<LeaseKeepAliveResponse> collect(LinkedBlockingQueue<LeaseKeepAliveResponse> responses,
            CompletableFuture<Status> end) {
        return new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse response) {
                responses.add(response);
            }

            @Override
            public void onError(Throwable t) {
                end.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                end.complete(Status.OK);
            }
        };
    }
}
