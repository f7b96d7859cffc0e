package io.lessor.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.lessor.api.KeyValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvCodecTest {

    @TempDir
    Path dir;

    @Test
    void revisionKeysSortInRevisionOrder() {
        try (Storage storage = Storage.open(dir)) {
            long[][] revisions = {{256, 0}, {1, 1}, {255, 7}, {1, 0}, {Long.MAX_VALUE, 0}, {2, 0}};
            try (StorageBatch batch = storage.newBatch()) {
                for (long[] revision : revisions) {
                    KeyValue kv = KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("k")).setModRevision(revision[0])
                            .build();
                    batch.putKv(KvCodec.revisionKey(revision[0], revision[1]), KvCodec.encodeValue(false, kv));
                }
                storage.commit(batch);
            }

            List<String> order = new ArrayList<>();
            storage.forEachKv((key, value) -> order.add(KvCodec.mainRevision(key) + "." + KvCodec.subRevision(key)));

            assertThat(order).containsExactly("1.0", "1.1", "2.0", "255.7", "256.0", Long.MAX_VALUE + ".0");
        }
    }

    @Test
    void valuesRoundTripWithTheirMarker() {
        KeyValue put = KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("k")).setValue(ByteString.copyFromUtf8("v"))
                .setCreateRevision(2).setModRevision(3).setVersion(2).setLease(-7).build();
        KeyValue tombstone = KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("k")).setModRevision(4).build();

        KvCodec.Record decodedPut = KvCodec.decode(KvCodec.revisionKey(3, 0), KvCodec.encodeValue(false, put));
        KvCodec.Record decodedTombstone = KvCodec.decode(KvCodec.revisionKey(4, 1), KvCodec.encodeValue(true, tombstone));

        assertThat(decodedPut.tombstone()).isFalse();
        assertThat(decodedPut.kv()).isEqualTo(put);
        assertThat(decodedTombstone.tombstone()).isTrue();
        assertThat(decodedTombstone.kv()).isEqualTo(tombstone);
        assertThat(decodedTombstone.subRevision()).isEqualTo(1);
    }

    @Test
    void metaAndLeasesSurviveReopen() {
        try (Storage storage = Storage.open(dir); StorageBatch batch = storage.newBatch()) {
            batch.putMeta(MetaKey.TERM, 7);
            batch.putLease(-7, 30);
            batch.putLease(Long.MAX_VALUE, 9_000_000_000L);
            batch.putLease(5, 10);
            batch.deleteLease(5);
            storage.commit(batch);
        }

        try (Storage storage = Storage.open(dir)) {
            List<String> leases = new ArrayList<>();
            storage.forEachLease((id, ttl) -> leases.add(id + "=" + ttl));

            assertThat(storage.getMeta(MetaKey.TERM)).hasValue(7);
            assertThat(storage.getMeta(MetaKey.COMPACTED_REVISION)).isEmpty();
            assertThat(leases).containsExactlyInAnyOrder("-7=30", Long.MAX_VALUE + "=9000000000");
        }
    }
}
