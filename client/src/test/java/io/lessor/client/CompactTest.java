package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.lessor.api.KeyValue;
import io.lessor.context.Context;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** KV.compact against both servers. */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class CompactTest {

    @RegisterExtension
    static final Servers servers = new Servers();

    private static final Context ctx = Context.background();

    private static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void compactDropsOlderRevisionsKeepsNewest(Server server) throws Exception {
        ByteString key = bytes("compact-test/" + UUID.randomUUID());
        try (Client client = servers.client(server)) {
            long first = client.kv().put(ctx, key, bytes("1")).getHeader().getRevision();
            long second = client.kv().put(ctx, key, bytes("2")).getHeader().getRevision();
            long third = client.kv().put(ctx, key, bytes("3")).getHeader().getRevision();

            client.kv().compact(ctx, second, false);

            assertThatThrownBy(() -> client.kv().get(ctx, key, GetOptions.DEFAULT.atRevision(first)))
                    .isInstanceOf(CompactedRevisionException.class)
                    .satisfies(e -> assertThat(((CompactedRevisionException) e).compactRevision()).isZero());
            assertThat(client.kv().get(ctx, key, GetOptions.DEFAULT.atRevision(second)).getKvsList())
                    .extracting(KeyValue::getValue).containsExactly(bytes("2"));
            assertThat(client.kv().get(ctx, key, GetOptions.DEFAULT.atRevision(third)).getKvsList())
                    .extracting(KeyValue::getValue).containsExactly(bytes("3"));
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void compactTwiceOrAheadRaisesTypedErrors(Server server) throws Exception {
        ByteString key = bytes("compact-test/" + UUID.randomUUID());
        try (Client client = servers.client(server)) {
            long revision = client.kv().put(ctx, key, bytes("1")).getHeader().getRevision();
            client.kv().compact(ctx, revision, true);

            assertThatThrownBy(() -> client.kv().compact(ctx, revision, false))
                    .isInstanceOf(CompactedRevisionException.class)
                    .satisfies(e -> assertThat(((EtcdException) e).serverMessage()).isEqualTo(CompactedRevisionException.MESSAGE));
            assertThatThrownBy(() -> client.kv().compact(ctx, revision + 1000, false))
                    .isInstanceOf(FutureRevisionException.class)
                    .satisfies(e -> assertThat(((EtcdException) e).serverMessage()).isEqualTo(FutureRevisionException.MESSAGE));
        }
    }
}
