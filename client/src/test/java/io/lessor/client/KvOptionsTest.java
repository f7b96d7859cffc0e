package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.lessor.api.DeleteRangeResponse;
import io.lessor.api.KeyValue;
import io.lessor.api.PutResponse;
import io.lessor.api.RangeRequest.SortOrder;
import io.lessor.api.RangeRequest.SortTarget;
import io.lessor.api.RangeResponse;
import io.lessor.context.Context;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The options of get, put and delete, against both servers. */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class KvOptionsTest {

    @RegisterExtension
    static final Servers servers = new Servers();

    private static final Context ctx = Context.background();

    private static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    private static List<String> keys(RangeResponse response, String prefix) {
        return response.getKvsList().stream().map(kv -> kv.getKey().toStringUtf8().substring(prefix.length())).toList();
    }

    /**
     * Writes a (value 3), b (value 1), c (value 2) in that order, then a again, so that key,
     * value, create revision, mod revision and version each sort the three differently.
     */
    private static long[] writeSortFixture(Client client, String prefix) throws InterruptedException {
        long a = client.kv().put(ctx, bytes(prefix + "a"), bytes("3")).getHeader().getRevision();
        long b = client.kv().put(ctx, bytes(prefix + "b"), bytes("1")).getHeader().getRevision();
        long c = client.kv().put(ctx, bytes(prefix + "c"), bytes("2")).getHeader().getRevision();
        long aAgain = client.kv().put(ctx, bytes(prefix + "a"), bytes("3")).getHeader().getRevision();
        return new long[] {a, b, c, aAgain};
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void getSortsByEveryTargetAndOrder(Server server) throws Exception {
        String prefix = "kv-options/" + UUID.randomUUID() + "/";
        try (Client client = servers.client(server)) {
            writeSortFixture(client, prefix);
            GetOptions all = GetOptions.withPrefix();

            assertThat(keys(client.kv().get(ctx, bytes(prefix), all.withSort(SortTarget.KEY, SortOrder.DESCEND)), prefix))
                    .containsExactly("c", "b", "a");
            assertThat(keys(client.kv().get(ctx, bytes(prefix), all.withSort(SortTarget.VALUE, SortOrder.ASCEND)), prefix))
                    .containsExactly("b", "c", "a");
            assertThat(keys(client.kv().get(ctx, bytes(prefix), all.withSort(SortTarget.CREATE, SortOrder.DESCEND)), prefix))
                    .containsExactly("c", "b", "a");
            assertThat(keys(client.kv().get(ctx, bytes(prefix), all.withSort(SortTarget.MOD, SortOrder.DESCEND)), prefix))
                    .containsExactly("a", "c", "b");
            assertThat(keys(client.kv().get(ctx, bytes(prefix), all.withSort(SortTarget.VERSION, SortOrder.DESCEND)), prefix))
                    .first().isEqualTo("a");
            // etcd sorts ascending when a target other than KEY comes without an order.
            assertThat(keys(client.kv().get(ctx, bytes(prefix), all.withSort(SortTarget.MOD, SortOrder.NONE)), prefix))
                    .containsExactly("b", "c", "a");
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void getSortedAndLimitedReturnsTopKeys(Server server) throws Exception {
        String prefix = "kv-options/" + UUID.randomUUID() + "/";
        try (Client client = servers.client(server)) {
            writeSortFixture(client, prefix);

            RangeResponse newest = client.kv().get(ctx, bytes(prefix),
                    GetOptions.withPrefix().withSort(SortTarget.MOD, SortOrder.DESCEND).limitedTo(2));

            assertThat(keys(newest, prefix)).containsExactly("a", "c");
            assertThat(newest.getMore()).isTrue();
            assertThat(newest.getCount()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void getFiltersByModAndCreateRevision(Server server) throws Exception {
        String prefix = "kv-options/" + UUID.randomUUID() + "/";
        try (Client client = servers.client(server)) {
            long[] rev = writeSortFixture(client, prefix);
            long createdB = rev[1];
            long modifiedC = rev[2];
            GetOptions all = GetOptions.withPrefix();

            assertThat(keys(client.kv().get(ctx, bytes(prefix), all.withMinModRevision(modifiedC)), prefix))
                    .containsExactly("a", "c");
            assertThat(keys(client.kv().get(ctx, bytes(prefix), all.withMaxModRevision(modifiedC)), prefix))
                    .containsExactly("b", "c");
            assertThat(keys(client.kv().get(ctx, bytes(prefix), all.withMinCreateRevision(createdB)), prefix))
                    .containsExactly("b", "c");
            assertThat(keys(client.kv().get(ctx, bytes(prefix), all.withMaxCreateRevision(createdB)), prefix))
                    .containsExactly("a", "b");
            RangeResponse both = client.kv().get(ctx, bytes(prefix),
                    all.withMinCreateRevision(createdB).withMaxModRevision(modifiedC).limitedTo(1));
            assertThat(keys(both, prefix)).containsExactly("b");
            assertThat(both.getMore()).as("more counts only keys that pass the filters").isTrue();
            assertThat(both.getCount()).as("count ignores the filters").isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void getFromKeyAndUntilRangeEnd(Server server) throws Exception {
        String prefix = "kv-options/" + UUID.randomUUID() + "/";
        try (Client client = servers.client(server)) {
            writeSortFixture(client, prefix);

            RangeResponse fromB = client.kv().get(ctx, bytes(prefix + "b"), GetOptions.DEFAULT.withFromKey().limitedTo(2));
            RangeResponse aToC = client.kv().get(ctx, bytes(prefix + "a"), GetOptions.DEFAULT.until(bytes(prefix + "c")));
            RangeResponse serializable = client.kv().get(ctx, bytes(prefix), GetOptions.withPrefix().withSerializable());

            assertThat(keys(fromB, prefix)).containsExactly("b", "c");
            assertThat(keys(aToC, prefix)).containsExactly("a", "b");
            assertThat(keys(serializable, prefix)).containsExactly("a", "b", "c");
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void getAtFutureRevisionRaisesFutureRevision(Server server) throws Exception {
        try (Client client = servers.client(server)) {
            long current = client.kv().get(ctx, bytes("kv-options/none")).getHeader().getRevision();

            assertThatThrownBy(() -> client.kv().get(ctx, bytes("kv-options/none"), GetOptions.DEFAULT.atRevision(current + 100)))
                    .isInstanceOf(FutureRevisionException.class)
                    .satisfies(e -> assertThat(((EtcdException) e).serverMessage()).isEqualTo(FutureRevisionException.MESSAGE));
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void putIgnoreValueChangesOnlyLease(Server server) throws Exception {
        ByteString key = bytes("kv-options/" + UUID.randomUUID());
        try (Client client = servers.client(server)) {
            long leaseId = client.lease().grant(ctx, 60).getID();
            client.kv().put(ctx, key, bytes("kept"));

            client.kv().put(ctx, key, ByteString.EMPTY, PutOptions.withLease(leaseId).withIgnoreValue());
            KeyValue attached = client.kv().get(ctx, key).getKvs(0);
            client.kv().put(ctx, key, bytes("changed"), PutOptions.DEFAULT.withIgnoreLease());
            KeyValue stillAttached = client.kv().get(ctx, key).getKvs(0);

            assertThat(attached.getValue()).isEqualTo(bytes("kept"));
            assertThat(attached.getLease()).isEqualTo(leaseId);
            assertThat(stillAttached.getValue()).isEqualTo(bytes("changed"));
            assertThat(stillAttached.getLease()).isEqualTo(leaseId);
            client.lease().revoke(ctx, leaseId);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void putIgnoreOptionsRejectMisuse(Server server) throws Exception {
        ByteString key = bytes("kv-options/" + UUID.randomUUID());
        try (Client client = servers.client(server)) {
            assertThatThrownBy(() -> client.kv().put(ctx, key, ByteString.EMPTY, PutOptions.DEFAULT.withIgnoreValue()))
                    .isInstanceOf(InvalidRequestException.class)
                    .satisfies(e -> assertThat(((EtcdException) e).serverMessage()).isEqualTo("etcdserver: key not found"));
            client.kv().put(ctx, key, bytes("v"));
            assertThatThrownBy(() -> client.kv().put(ctx, key, bytes("v2"), PutOptions.DEFAULT.withIgnoreValue()))
                    .isInstanceOf(InvalidRequestException.class)
                    .satisfies(e -> assertThat(((EtcdException) e).serverMessage()).isEqualTo("etcdserver: value is provided"));
            assertThatThrownBy(() -> client.kv().put(ctx, key, bytes("v2"), PutOptions.withLease(7).withIgnoreLease()))
                    .isInstanceOf(InvalidRequestException.class)
                    .satisfies(e -> assertThat(((EtcdException) e).serverMessage()).isEqualTo("etcdserver: lease is provided"));
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void deleteFromKeyAndUntilRangeEnd(Server server) throws Exception {
        // Keys starting with 0xff 0xff sort after every other test's keys, so a from-key delete
        // removes only this test's keys.
        ByteString prefix = ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff})
                .concat(bytes("kv-options/" + UUID.randomUUID() + "/"));
        try (Client client = servers.client(server)) {
            for (String name : List.of("a", "b", "c", "d")) {
                client.kv().put(ctx, prefix.concat(bytes(name)), bytes(name));
            }

            DeleteRangeResponse aToC = client.kv().delete(ctx, prefix.concat(bytes("a")),
                    DeleteOptions.DEFAULT.until(prefix.concat(bytes("c"))).withPrevKv());
            RangeResponse afterRange = client.kv().get(ctx, prefix, GetOptions.withPrefix());
            DeleteRangeResponse fromC = client.kv().delete(ctx, prefix.concat(bytes("c")), DeleteOptions.DEFAULT.withFromKey());

            assertThat(aToC.getDeleted()).isEqualTo(2);
            assertThat(aToC.getPrevKvsList()).extracting(KeyValue::getValue).containsExactly(bytes("a"), bytes("b"));
            assertThat(afterRange.getKvsList()).extracting(KeyValue::getValue).containsExactly(bytes("c"), bytes("d"));
            assertThat(fromC.getDeleted()).isEqualTo(2);
            assertThat(client.kv().get(ctx, prefix, GetOptions.withPrefix()).getKvsCount()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void putResponseHeaderNamesRevisionOfWrite(Server server) throws Exception {
        ByteString key = bytes("kv-options/" + UUID.randomUUID());
        try (Client client = servers.client(server)) {
            PutResponse put = client.kv().put(ctx, key, bytes("v"));

            KeyValue written = client.kv().get(ctx, key).getKvs(0);

            assertThat(written.getModRevision()).isEqualTo(put.getHeader().getRevision());
            assertThat(written.getCreateRevision()).isEqualTo(put.getHeader().getRevision());
        }
    }
}
