package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.lessor.api.Compare;
import io.lessor.api.DeleteRangeResponse;
import io.lessor.api.KeyValue;
import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import io.lessor.api.RangeRequest;
import io.lessor.api.RangeResponse;
import io.lessor.api.RequestOp;
import io.lessor.api.TxnRequest;
import io.lessor.api.TxnResponse;
import io.lessor.context.Context;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@CheckLeaks
@LeakCheck(virtualThreads = true)
class KvTest {

    @RegisterExtension
    static final Servers servers = new Servers();

    private static final Context ctx = Context.background();

    private static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void putThenGetReturnsValue(Server server) throws Exception {
        String prefix = "kv-test/" + UUID.randomUUID() + "/";
        try (Client client = servers.client(server)) {
            PutResponse first = client.kv().put(ctx, bytes(prefix + "a"), bytes("1"));
            PutResponse second = client.kv().put(ctx, bytes(prefix + "a"), bytes("2"), PutOptions.DEFAULT.withPrevKv());

            RangeResponse got = client.kv().get(ctx, bytes(prefix + "a"));

            assertThat(second.getHeader().getRevision()).isEqualTo(first.getHeader().getRevision() + 1);
            assertThat(second.getPrevKv().getValue()).isEqualTo(bytes("1"));
            assertThat(got.getKvsList()).extracting(KeyValue::getValue).containsExactly(bytes("2"));
            assertThat(got.getKvs(0).getVersion()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void getWithPrefixLimitAndRevision(Server server) throws Exception {
        String prefix = "kv-test/" + UUID.randomUUID() + "/";
        try (Client client = servers.client(server)) {
            long before = client.kv().put(ctx, bytes(prefix + "a"), bytes("1")).getHeader().getRevision();
            client.kv().put(ctx, bytes(prefix + "b"), bytes("2"));
            client.kv().put(ctx, bytes(prefix + "c"), bytes("3"));

            RangeResponse all = client.kv().get(ctx, bytes(prefix), GetOptions.withPrefix());
            RangeResponse limited = client.kv().get(ctx, bytes(prefix), GetOptions.withPrefix().limitedTo(2));
            RangeResponse old = client.kv().get(ctx, bytes(prefix), GetOptions.withPrefix().atRevision(before));
            RangeResponse counted = client.kv().get(ctx, bytes(prefix), GetOptions.withPrefix().withCountOnly());
            RangeResponse keys = client.kv().get(ctx, bytes(prefix), GetOptions.withPrefix().withKeysOnly());

            assertThat(all.getKvsList()).extracting(kv -> kv.getKey().toStringUtf8())
                    .containsExactly(prefix + "a", prefix + "b", prefix + "c");
            assertThat(limited.getKvsCount()).isEqualTo(2);
            assertThat(limited.getMore()).isTrue();
            assertThat(old.getKvsList()).extracting(kv -> kv.getKey().toStringUtf8()).containsExactly(prefix + "a");
            assertThat(counted.getCount()).isEqualTo(3);
            assertThat(counted.getKvsCount()).isZero();
            assertThat(keys.getKvsList()).allSatisfy(kv -> assertThat(kv.getValue()).isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void deleteWithPrefixReturnsPrevKvs(Server server) throws Exception {
        String prefix = "kv-test/" + UUID.randomUUID() + "/";
        try (Client client = servers.client(server)) {
            client.kv().put(ctx, bytes(prefix + "a"), bytes("1"));
            client.kv().put(ctx, bytes(prefix + "b"), bytes("2"));

            DeleteRangeResponse deleted = client.kv().delete(ctx, bytes(prefix), DeleteOptions.withPrefix().withPrevKv());

            assertThat(deleted.getDeleted()).isEqualTo(2);
            assertThat(deleted.getPrevKvsList()).extracting(KeyValue::getValue).containsExactlyInAnyOrder(bytes("1"), bytes("2"));
            assertThat(client.kv().get(ctx, bytes(prefix), GetOptions.withPrefix()).getKvsCount()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void txnTakesBranchByCompare(Server server) throws Exception {
        String key = "kv-test/" + UUID.randomUUID();
        try (Client client = servers.client(server)) {
            TxnRequest createIfAbsent = TxnRequest.newBuilder()
                    .addCompare(Compare.newBuilder().setKey(bytes(key)).setTarget(Compare.CompareTarget.VERSION)
                            .setResult(Compare.CompareResult.EQUAL).setVersion(0))
                    .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes("first"))))
                    .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes(key))))
                    .build();

            TxnResponse created = client.kv().txn(ctx, createIfAbsent);
            TxnResponse existed = client.kv().txn(ctx, createIfAbsent);

            assertThat(created.getSucceeded()).isTrue();
            assertThat(existed.getSucceeded()).isFalse();
            assertThat(existed.getResponses(0).getResponseRange().getKvs(0).getValue()).isEqualTo(bytes("first"));
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void putEmptyKeyRaisesInvalidRequest(Server server) {
        try (Client client = servers.client(server)) {
            assertThatThrownBy(() -> client.kv().put(ctx, ByteString.EMPTY, bytes("v")))
                    .isInstanceOf(InvalidRequestException.class)
                    .satisfies(e -> assertThat(((EtcdException) e).serverMessage()).isEqualTo("etcdserver: key is not provided"));
        }
    }
}
