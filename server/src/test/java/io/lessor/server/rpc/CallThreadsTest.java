package io.lessor.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.lessor.api.Compare;
import io.lessor.api.KVGrpc;
import io.lessor.api.PutRequest;
import io.lessor.api.RangeRequest;
import io.lessor.api.RequestOp;
import io.lessor.api.TxnRequest;
import io.lessor.context.Clock;
import io.lessor.context.LeakCheck;
import io.lessor.server.ServerConfig;
import io.lessor.server.engine.LocalEngine;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which thread serves each KV call: writes and single-key reads stay on the transport thread
 * that {@link CallExecutors} picks, and reads that may be large move to the read executor.
 */
@ExtendWith(LeakCheck.class)
class CallThreadsTest {

    @TempDir
    Path dataDir;

    private final List<String> readExecutorThreads = new CopyOnWriteArrayList<>();
    private ExecutorService handlers;
    private LocalEngine engine;
    private Server server;
    private ManagedChannel channel;
    private KVGrpc.KVBlockingStub kv;

    @BeforeEach
    void start() throws Exception {
        ServerConfig config = ServerConfig.defaults(dataDir);
        engine = LocalEngine.open(config, Clock.system());
        engine.promote();
        handlers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("test-handler-", 0).factory());
        ExecutorService recordingReads = handlers;
        KvService service = new KvService(engine, new RequestLimits(config.maxRequestBytes()), config.maxTxnOps(),
                task -> recordingReads.execute(() -> {
                    readExecutorThreads.add(Thread.currentThread().getName());
                    task.run();
                }));
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .executor(handlers)
                .callExecutor(new CallExecutors())
                .addService(service.definition())
                .build()
                .start();
        InetSocketAddress bound = (InetSocketAddress) server.getListenSockets().get(0);
        channel = NettyChannelBuilder.forAddress(bound.getHostString(), bound.getPort()).usePlaintext().build();
        kv = KVGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        handlers.shutdownNow();
        handlers.awaitTermination(5, TimeUnit.SECONDS);
        engine.close();
    }

    private static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    @Test
    void writesAndSingleKeyReadsSkipReadExecutor() {
        kv.put(PutRequest.newBuilder().setKey(bytes("a")).setValue(bytes("1")).build());
        RangeRequest get = RangeRequest.newBuilder().setKey(bytes("a")).build();
        TxnRequest swap = TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(bytes("a")).setTarget(Compare.CompareTarget.VERSION)
                        .setResult(Compare.CompareResult.EQUAL).setVersion(1))
                .addSuccess(RequestOp.newBuilder().setRequestPut(
                        PutRequest.newBuilder().setKey(bytes("a")).setValue(bytes("2"))))
                .build();

        assertThat(kv.range(get).getKvs(0).getValue()).isEqualTo(bytes("1"));
        assertThat(kv.txn(swap).getSucceeded()).isTrue();
        assertThat(readExecutorThreads).isEmpty();
    }

    @Test
    void largeReadsRunOnReadExecutor() {
        kv.put(PutRequest.newBuilder().setKey(bytes("p/1")).setValue(bytes("1")).build());
        kv.put(PutRequest.newBuilder().setKey(bytes("p/2")).setValue(bytes("2")).build());
        RangeRequest prefix = RangeRequest.newBuilder().setKey(bytes("p/")).setRangeEnd(bytes("p0")).build();
        TxnRequest readOnly = TxnRequest.newBuilder()
                .addSuccess(RequestOp.newBuilder().setRequestRange(prefix))
                .build();

        assertThat(kv.range(prefix).getCount()).isEqualTo(2);
        assertThat(kv.txn(readOnly).getResponses(0).getResponseRange().getCount()).isEqualTo(2);
        assertThat(readExecutorThreads).hasSize(2).allMatch(name -> name.startsWith("test-handler-"));
    }
}
