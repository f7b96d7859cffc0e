package io.lessor.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.lessor.api.PutRequest;
import io.lessor.api.WatchResponse;
import io.lessor.context.Clock;
import io.lessor.context.LeakCheck;
import io.lessor.server.ServerConfig;
import io.lessor.server.engine.LocalEngine;
import io.lessor.server.watch.WatchConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that ends its Watch call at different moments, many times over: the server's stream
 * must end with it each time.
 */
@ExtendWith(LeakCheck.class)
class WatchCallEndTest {

    private static final int ROUNDS = 200;
    private static final Duration STREAM_END_BOUND = Duration.ofSeconds(5);

    @TempDir
    Path dataDir;

    private LocalEngine engine;
    private WatchService service;
    private ExecutorService handlers;
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        engine = LocalEngine.open(ServerConfig.defaults(dataDir), Clock.system());
        service = new WatchService(engine, WatchConfig.defaults(1536 * 1024), new OpenStreams());
        // The same executor as the server's own frontend: a virtual thread per handler task.
        handlers = Executors.newVirtualThreadPerTaskExecutor();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .executor(handlers)
                .addService(service)
                .build()
                .start();
        InetSocketAddress bound = (InetSocketAddress) server.getListenSockets().get(0);
        channel = NettyChannelBuilder.forAddress(bound.getHostString(), bound.getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        // In the server's order: the handlers stop, then the streams whose call never ended close.
        handlers.shutdownNow();
        service.closeAll();
        engine.close();
    }

    @Test
    void cancelAfterCreatedEndsStream() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            WatchCall call = WatchCall.open(channel);
            call.createAndAwait(WatchCall.key("k"));

            call.cancelCall();

            awaitNoStreams(round);
        }
    }

    @Test
    void cancelRightAfterCreateRequestEndsStream() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            WatchCall call = WatchCall.open(channel);
            call.create(WatchCall.key("k"));

            call.cancelCall();

            awaitNoStreams(round);
        }
    }

    @Test
    void cancelRightAfterOpenEndsStream() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            WatchCall call = WatchCall.open(channel);

            call.cancelCall();

            awaitNoStreams(round);
        }
    }

    @Test
    void cancelDuringReplayEndsStream() throws Exception {
        for (int i = 0; i < 50; i++) {
            engine.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("r"))
                    .setValue(ByteString.copyFromUtf8("v" + i)).build()).join();
        }
        for (int round = 0; round < ROUNDS; round++) {
            WatchCall call = WatchCall.open(channel);
            call.create(WatchCall.key("r").setStartRevision(1));
            WatchResponse first = call.next();
            assertThat(first.getCreated()).isTrue();

            call.cancelCall();

            awaitNoStreams(round);
        }
    }

    @Test
    void halfCloseThenCancelEndsStream() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            WatchCall call = WatchCall.open(channel);
            call.createAndAwait(WatchCall.key("k"));
            call.halfClose();

            call.cancelCall();

            awaitNoStreams(round);
        }
    }

    private void awaitNoStreams(int round) throws InterruptedException {
        long deadline = System.nanoTime() + STREAM_END_BOUND.toNanos();
        while (service.hub().openStreams() > 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
        }
        assertThat(service.hub().openStreams()).as("open watch streams %s after round %d", STREAM_END_BOUND, round)
                .isZero();
    }
}
