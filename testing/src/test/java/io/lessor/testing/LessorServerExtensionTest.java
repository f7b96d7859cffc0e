package io.lessor.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.lessor.api.KVGrpc;
import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.LeaseGrpc;
import io.lessor.api.PutRequest;
import io.lessor.api.RangeRequest;
import io.lessor.api.RangeResponse;
import io.lessor.server.LessorServer;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@CheckLeaks
class LessorServerExtensionTest {

    @RegisterExtension
    static final LessorServerExtension etcd = LessorServerExtension.create();

    @Test
    void servesKvAndLeasesOnLoopback() throws InterruptedException {
        assertThat(etcd.endpoint()).startsWith("http://127.0.0.1:");
        ManagedChannel channel = NettyChannelBuilder.forTarget(etcd.hostAndPort()).usePlaintext().build();
        try {
            long leaseId = LeaseGrpc.newBlockingStub(channel)
                    .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build())
                    .getID();
            KVGrpc.newBlockingStub(channel).put(PutRequest.newBuilder()
                    .setKey(ByteString.copyFromUtf8("services/a"))
                    .setValue(ByteString.copyFromUtf8("10.0.0.1"))
                    .setLease(leaseId)
                    .build());
            RangeResponse got = KVGrpc.newBlockingStub(channel)
                    .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("services/a")).build());
            assertThat(got.getKvsList()).hasSize(1);
            assertThat(got.getKvs(0).getLease()).isEqualTo(leaseId);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void restartKeepsDataAndPort() throws InterruptedException {
        String before = etcd.endpoint();
        ManagedChannel channel = NettyChannelBuilder.forTarget(etcd.hostAndPort()).usePlaintext().build();
        try {
            KVGrpc.newBlockingStub(channel).put(PutRequest.newBuilder()
                    .setKey(ByteString.copyFromUtf8("kept"))
                    .setValue(ByteString.copyFromUtf8("yes"))
                    .build());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }

        etcd.restart();

        assertThat(etcd.endpoint()).isEqualTo(before);
        channel = NettyChannelBuilder.forTarget(etcd.hostAndPort()).usePlaintext().build();
        try {
            RangeResponse got = KVGrpc.newBlockingStub(channel)
                    .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("kept")).build());
            assertThat(got.getKvs(0).getValue().toStringUtf8()).isEqualTo("yes");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void injectsServerParameter(LessorServer server) {
        assertThat(server.endpoint()).isEqualTo(etcd.endpoint());
        assertThat(Files.isDirectory(etcd.dataDir())).isTrue();
    }
}
