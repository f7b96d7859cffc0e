package io.lessor.server.gateway.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.lessor.api.Event;
import io.lessor.api.KeyValue;
import io.lessor.api.Member;
import io.lessor.api.ResponseHeader;
import io.lessor.api.TxnResponse;
import io.lessor.api.ResponseOp;
import io.lessor.api.PutResponse;
import org.junit.jupiter.api.Test;

/** JSON output, compared with what etcd 3.4.23's gateway sent for the same values. */
class ProtoJsonWriterTest {

    @Test
    void keyValueMatchesEtcdJson() {
        KeyValue kv = KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("a")).setCreateRevision(3).setModRevision(3)
                .setVersion(1).setValue(ByteString.copyFromUtf8("1")).build();

        assertThat(ProtoJsonWriter.write(kv))
                .isEqualTo("{\"key\":\"YQ==\",\"create_revision\":\"3\",\"mod_revision\":\"3\",\"version\":\"1\",\"value\":\"MQ==\"}");
    }

    @Test
    void writesSetEmptyMessagesAndEnumNames() {
        TxnResponse txn = TxnResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(7))
                .setSucceeded(true)
                .addResponses(ResponseOp.newBuilder().setResponsePut(PutResponse.newBuilder()
                        .setHeader(ResponseHeader.getDefaultInstance())))
                .build();
        Event delete = Event.newBuilder().setType(Event.EventType.DELETE)
                .setKv(KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("w")).setModRevision(12)).build();

        assertThat(ProtoJsonWriter.write(txn))
                .isEqualTo("{\"header\":{\"revision\":\"7\"},\"succeeded\":true,\"responses\":[{\"response_put\":{\"header\":{}}}]}");
        assertThat(ProtoJsonWriter.write(delete)).isEqualTo("{\"type\":\"DELETE\",\"kv\":{\"key\":\"dw==\",\"mod_revision\":\"12\"}}");
    }

    @Test
    void escapesStringsAsGoDoes() {
        Member member = Member.newBuilder().setName("a<b>&\"c\"\n\u2028=").build();

        assertThat(ProtoJsonWriter.write(member)).isEqualTo("{\"name\":\"a\\u003cb\\u003e\\u0026\\\"c\\\"\\n\\u2028=\"}");
    }
}
