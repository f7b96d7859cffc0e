package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.lessor.api.Compare;
import io.lessor.api.KeyValue;
import io.lessor.api.ResponseOp;
import io.lessor.api.TxnResponse;
import io.lessor.context.Context;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Transactions built with Txn, Compares and Ops, against both servers. */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class TxnTest {

    @RegisterExtension
    static final Servers servers = new Servers();

    private static final Context ctx = Context.background();

    private static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    /** One compare and whether it should hold. */
    private record Case(String name, Compare compare, boolean holds) {
    }

    private static boolean succeeds(Client client, Compare compare) throws InterruptedException {
        return client.kv().txn(ctx, Txn.when(compare)).getSucceeded();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void everyTargetWithEveryOperator(Server server) throws Exception {
        ByteString key = bytes("txn-test/" + UUID.randomUUID());
        try (Client client = servers.client(server)) {
            long leaseId = client.lease().grant(ctx, 60).getID();
            long created = client.kv().put(ctx, key, bytes("m")).getHeader().getRevision();
            long modified = client.kv().put(ctx, key, bytes("m"), PutOptions.withLease(leaseId)).getHeader().getRevision();
            // The key now has value "m", version 2, create revision `created`, mod revision
            // `modified` and lease `leaseId`.
            List<Case> cases = List.of(
                    new Case("value =", Compares.value(key).equal(bytes("m")), true),
                    new Case("value = other", Compares.value(key).equal(bytes("n")), false),
                    new Case("value !=", Compares.value(key).notEqual(bytes("n")), true),
                    new Case("value >", Compares.value(key).greater(bytes("l")), true),
                    new Case("value > same", Compares.value(key).greater(bytes("m")), false),
                    new Case("value <", Compares.value(key).less(bytes("n")), true),
                    new Case("version =", Compares.version(key).equal(2), true),
                    new Case("version !=", Compares.version(key).notEqual(2), false),
                    new Case("version >", Compares.version(key).greater(1), true),
                    new Case("version <", Compares.version(key).less(2), false),
                    new Case("create =", Compares.createRevision(key).equal(created), true),
                    new Case("create !=", Compares.createRevision(key).notEqual(created), false),
                    new Case("create >", Compares.createRevision(key).greater(created - 1), true),
                    new Case("create <", Compares.createRevision(key).less(modified), true),
                    new Case("mod =", Compares.modRevision(key).equal(modified), true),
                    new Case("mod !=", Compares.modRevision(key).notEqual(created), true),
                    new Case("mod >", Compares.modRevision(key).greater(modified), false),
                    new Case("mod <", Compares.modRevision(key).less(modified + 1), true),
                    new Case("lease =", Compares.lease(key).equal(leaseId), true),
                    new Case("lease !=", Compares.lease(key).notEqual(0), true),
                    new Case("lease >", Compares.lease(key).greater(leaseId), false),
                    new Case("lease <", Compares.lease(key).less(leaseId + 1), true));

            for (Case c : cases) {
                assertThat(succeeds(client, c.compare())).as(c.name()).isEqualTo(c.holds());
            }
            client.lease().revoke(ctx, leaseId);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void missingKeyComparesAsZeroButValueFails(Server server) throws Exception {
        ByteString missing = bytes("txn-test/" + UUID.randomUUID());
        try (Client client = servers.client(server)) {
            assertThat(succeeds(client, Compares.version(missing).equal(0))).as("version = 0").isTrue();
            assertThat(succeeds(client, Compares.createRevision(missing).equal(0))).as("create = 0").isTrue();
            assertThat(succeeds(client, Compares.modRevision(missing).equal(0))).as("mod = 0").isTrue();
            assertThat(succeeds(client, Compares.lease(missing).equal(0))).as("lease = 0").isTrue();
            assertThat(succeeds(client, Compares.value(missing).equal(ByteString.EMPTY))).as("value = empty").isFalse();
            assertThat(succeeds(client, Compares.value(missing).notEqual(bytes("x")))).as("value != x").isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void rangeCompareHoldsOnlyForEveryKey(Server server) throws Exception {
        String prefix = "txn-test/" + UUID.randomUUID() + "/";
        try (Client client = servers.client(server)) {
            client.kv().put(ctx, bytes(prefix + "a"), bytes("1"));
            client.kv().put(ctx, bytes(prefix + "b"), bytes("1"));
            client.kv().put(ctx, bytes(prefix + "b"), bytes("2"));

            assertThat(succeeds(client, Compares.version(bytes(prefix)).withPrefix().greater(0))).isTrue();
            assertThat(succeeds(client, Compares.version(bytes(prefix)).withPrefix().equal(1))).isFalse();
            assertThat(succeeds(client, Compares.version(bytes(prefix + "a")).until(bytes(prefix + "b")).equal(1))).isTrue();
            assertThat(succeeds(client, Compares.value(bytes(prefix)).withPrefix().less(bytes("3")))).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void branchResultsAreReadableInOrder(Server server) throws Exception {
        String prefix = "txn-test/" + UUID.randomUUID() + "/";
        ByteString counter = bytes(prefix + "counter");
        try (Client client = servers.client(server)) {
            client.kv().put(ctx, bytes(prefix + "old"), bytes("gone"));
            Txn txn = Txn.when(Compares.version(counter).equal(0))
                    .then(Ops.put(counter, bytes("1"), PutOptions.DEFAULT.withPrevKv()),
                            Ops.get(bytes(prefix), GetOptions.withPrefix().withCountOnly()),
                            Ops.delete(bytes(prefix + "old"), DeleteOptions.DEFAULT.withPrevKv()))
                    .orElse(Ops.get(counter));

            TxnResponse first = client.kv().txn(ctx, txn);
            TxnResponse second = client.kv().txn(ctx, txn);

            assertThat(first.getSucceeded()).isTrue();
            assertThat(first.getResponsesList()).extracting(ResponseOp::getResponseCase).containsExactly(
                    ResponseOp.ResponseCase.RESPONSE_PUT, ResponseOp.ResponseCase.RESPONSE_RANGE,
                    ResponseOp.ResponseCase.RESPONSE_DELETE_RANGE);
            assertThat(first.getResponses(0).getResponsePut().hasPrevKv()).isFalse();
            // The get reads the put of the same transaction, so it counts both counter and old.
            assertThat(first.getResponses(1).getResponseRange().getCount()).isEqualTo(2);
            assertThat(first.getResponses(2).getResponseDeleteRange().getPrevKvs(0).getValue()).isEqualTo(bytes("gone"));
            assertThat(second.getSucceeded()).isFalse();
            assertThat(second.getResponses(0).getResponseRange().getKvs(0).getValue()).isEqualTo(bytes("1"));
            assertThat(second.getHeader().getRevision()).isEqualTo(first.getHeader().getRevision());
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void nestedTxnRunsInSameRevision(Server server) throws Exception {
        String prefix = "txn-test/" + UUID.randomUUID() + "/";
        ByteString a = bytes(prefix + "a");
        ByteString b = bytes(prefix + "b");
        try (Client client = servers.client(server)) {
            client.kv().put(ctx, b, bytes("present"));
            Txn inner = Txn.when(Compares.value(b).equal(bytes("present")))
                    .then(Ops.delete(b), Ops.get(a))
                    .orElse(Ops.put(b, bytes("created")));
            Txn outer = Txn.when().then(Ops.put(a, bytes("1")), Ops.txn(inner));

            TxnResponse response = client.kv().txn(ctx, outer);

            TxnResponse nested = response.getResponses(1).getResponseTxn();
            assertThat(response.getSucceeded()).isTrue();
            assertThat(nested.getSucceeded()).isTrue();
            assertThat(nested.getResponses(0).getResponseDeleteRange().getDeleted()).isEqualTo(1);
            assertThat(nested.getResponses(1).getResponseRange().getKvsList()).extracting(KeyValue::getValue)
                    .containsExactly(bytes("1"));
            KeyValue written = client.kv().get(ctx, a).getKvs(0);
            assertThat(written.getModRevision()).isEqualTo(response.getHeader().getRevision());
            assertThat(client.kv().get(ctx, b).getKvsCount()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void duplicateKeyInBranchRaisesInvalidRequest(Server server) {
        ByteString key = bytes("txn-test/" + UUID.randomUUID());
        try (Client client = servers.client(server)) {
            Txn twice = Txn.when().then(Ops.put(key, bytes("1")), Ops.put(key, bytes("2")));

            assertThatThrownBy(() -> client.kv().txn(ctx, twice))
                    .isInstanceOf(InvalidRequestException.class)
                    .satisfies(e -> assertThat(((EtcdException) e).serverMessage())
                            .isEqualTo("etcdserver: duplicate key given in txn request"));
        }
    }
}
