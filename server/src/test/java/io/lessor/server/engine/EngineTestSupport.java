package io.lessor.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import io.lessor.api.DeleteRangeRequest;
import io.lessor.api.DeleteRangeResponse;
import io.lessor.api.KeyValue;
import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.LeaseTimeToLiveRequest;
import io.lessor.api.LeaseTimeToLiveResponse;
import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import io.lessor.api.RangeRequest;
import io.lessor.api.RangeResponse;
import io.lessor.server.EtcdError;
import io.lessor.server.EtcdException;
import io.lessor.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Shorthands for engine tests. */
final class EngineTestSupport {

    private EngineTestSupport() {
    }

    static ServerConfig config(Path dir) {
        return ServerConfig.defaults(dir);
    }

    /** Returns a config whose expiry loop checks once an hour, so tests decide when leases are revoked. */
    static ServerConfig configWithoutExpiryChecks(Path dir) {
        ServerConfig d = ServerConfig.defaults(dir);
        return new ServerConfig(d.name(), dir, d.listenClientAddresses(), d.advertiseClientUrls(), d.advertisePeerUrls(), d.clusterToken(),
                d.minLeaseTtlSeconds(), d.maxLeaseTtlSeconds(), d.maxRequestBytes(), d.maxTxnOps(), Duration.ofHours(1),
                d.maxExpiredRevokesPerCheck(), d.shutdownGrace());
    }

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    static PutResponse put(LocalEngine engine, String key, String value) {
        return engine.put(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build()).join();
    }

    static PutResponse put(LocalEngine engine, String key, String value, long leaseId) {
        return engine.put(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).setLease(leaseId).build())
                .join();
    }

    static DeleteRangeResponse delete(LocalEngine engine, String key) {
        return engine.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes(key)).build()).join();
    }

    static KeyValue get(LocalEngine engine, String key) {
        RangeResponse response = engine.range(RangeRequest.newBuilder().setKey(bytes(key)).build()).join();
        return response.getKvsCount() == 0 ? null : response.getKvs(0);
    }

    static RangeResponse range(LocalEngine engine, RangeRequest.Builder request) {
        return engine.range(request.build()).join();
    }

    static List<String> keys(RangeResponse response) {
        return response.getKvsList().stream().map(kv -> kv.getKey().toStringUtf8()).toList();
    }

    static long grant(LocalEngine engine, long ttlSeconds) {
        return engine.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(ttlSeconds).build()).join().getID();
    }

    static LeaseTimeToLiveResponse timeToLive(LocalEngine engine, long leaseId) {
        return engine.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(leaseId).setKeys(true).build()).join();
    }

    static List<String> leaseKeys(LocalEngine engine, long leaseId) {
        return timeToLive(engine, leaseId).getKeysList().stream().map(ByteString::toStringUtf8).sorted().toList();
    }

    /** Asserts that {@code future} failed with {@code expected}. */
    static void assertFails(CompletableFuture<?> future, EtcdError expected) {
        Throwable thrown = catchThrowable(future::join);
        assertThat(thrown).as("expected %s", expected).isInstanceOf(CompletionException.class);
        assertThat(thrown.getCause()).isInstanceOf(EtcdException.class);
        assertThat(((EtcdException) thrown.getCause()).error()).isEqualTo(expected);
    }
}
