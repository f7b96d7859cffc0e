package io.lessor.server.gateway.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lessor.api.RangeRequest;
import io.lessor.api.TxnRequest;
import io.lessor.api.WatchRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decoding of request bodies, with the messages etcd 3.4.23's gateway gave for the same bodies. */
class ProtoJsonReaderTest {

    private final ProtoJsonReader reader = new ProtoJsonReader(260);

    @Test
    void readsBothFieldNamesEnumsAndQuotedIntegers() throws Exception {
        RangeRequest request = read("{\"key\":\"YQ==\",\"range_end\":\"Yg==\",\"keysOnly\":true,"
                + "\"limit\":\"5\",\"revision\":7,\"sort_order\":\"DESCEND\",\"sort_target\":2,\"bogus\":[1]}");

        assertThat(request.getKey().toStringUtf8()).isEqualTo("a");
        assertThat(request.getRangeEnd().toStringUtf8()).isEqualTo("b");
        assertThat(request.getKeysOnly()).isTrue();
        assertThat(request.getLimit()).isEqualTo(5);
        assertThat(request.getRevision()).isEqualTo(7);
        assertThat(request.getSortOrder()).isEqualTo(RangeRequest.SortOrder.DESCEND);
        assertThat(request.getSortTargetValue()).isEqualTo(2);
    }

    @Test
    void emptyWhitespaceAndNullBodiesGiveEmptyRequest() throws Exception {
        assertThat(read("")).isEqualTo(RangeRequest.getDefaultInstance());
        assertThat(read("  \n ")).isEqualTo(RangeRequest.getDefaultInstance());
        assertThat(read("null")).isEqualTo(RangeRequest.getDefaultInstance());
    }

    @Test
    void onlyTheFirstValueCounts() throws Exception {
        assertThat(read("{\"key\":\"YQ==\"} trailing").getKey().toStringUtf8()).isEqualTo("a");
        assertThat(read("{\"key\":\"YQ==\"}{\"key\":\"Yg==\"}").getKey().toStringUtf8()).isEqualTo("a");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"key\":                           | unexpected EOF",
        "{\"key\":\"YQ==\",}                 | invalid character '}' looking for beginning of object key string",
        "[]                                  | json: cannot unmarshal array into Go value of type map[string]json.RawMessage",
        "{\"key\":\"not base64!\"}           | illegal base64 data at input byte 3",
        "{\"key\":\"YQ\"}                    | illegal base64 data at input byte 0",
        "{\"key\":5}                         | json: cannot unmarshal number into Go value of type []uint8",
        "{\"key\":[\"YQ==\"]}                | json: cannot unmarshal string into Go value of type uint8",
        "{\"limit\":\"x\"}                   | invalid character 'x' looking for beginning of value",
        "{\"limit\":\"\"}                    | unexpected end of JSON input",
        "{\"limit\":\"1 2\"}                 | invalid character '2' after top-level value",
        "{\"limit\":1.5}                     | json: cannot unmarshal number 1.5 into Go value of type int64",
        "{\"limit\":true}                    | json: cannot unmarshal bool into Go value of type int64",
        "{\"serializable\":1}                | json: cannot unmarshal number into Go value of type bool",
        "{\"sort_target\":\"BOGUS\"}         | unknown value \"BOGUS\" for enum etcdserverpb.RangeRequest_SortTarget",
        "{\"sort_order\":1.5}                | json: cannot unmarshal number 1.5 into Go value of type etcdserverpb.RangeRequest_SortOrder",
        "{\"key\":\"YQ==\",\"x\":tru}        | invalid character '}' in literal true (expecting 'e')",
        "{\"key\":\"YQ==\",\"x\":01}         | invalid character '1' after object key:value pair",
        "'a'                                 | invalid character '\\'' looking for beginning of value",
    })
    void badBodiesGetGoMessages(String body, String message) {
        JsonDecodeException e = catchThrowableOfType(JsonDecodeException.class, () -> read(body.strip()));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).isEqualTo(message);
    }

    @Test
    void nestingDeeperThanGoAllowsIsRejected() {
        JsonDecodeException e = catchThrowableOfType(JsonDecodeException.class, () -> read("[".repeat(10_001)));

        assertThat(e.getMessage()).isEqualTo("invalid character '[' exceeded max depth");
    }

    @Test
    void messagesNestedPastTheLimitAreRejected() throws Exception {
        String txn = "{}";
        for (int level = 0; level < 200; level++) {
            txn = "{\"success\":[{\"request_txn\":" + txn + "}]}";
        }
        RawJson value = new JsonValueReader(Integer.MAX_VALUE).readFirst(txn.getBytes(StandardCharsets.UTF_8));

        assertThat(catchThrowableOfType(NestingTooDeepException.class,
                () -> reader.read(value, TxnRequest.getDefaultInstance()))).isNotNull();
    }

    @Test
    void streamOfValuesSplitsLikeGoDecoder() throws Exception {
        JsonValueReader values = new JsonValueReader(1024);
        byte[] body = "{\"create_request\":{\"key\":\"YQ==\"}}\n{\"cancel_request\":{\"watch_id\":\"0\"}} 7"
                .getBytes(StandardCharsets.UTF_8);

        var first = values.feed(body, 0, 20);
        var rest = values.feed(body, 20, body.length - 20);
        RawJson last = values.finish();

        assertThat(first).isEmpty();
        assertThat(rest).hasSize(2);
        assertThat(reader.read(rest.get(0), WatchRequest.getDefaultInstance()).hasCreateRequest()).isTrue();
        assertThat(reader.read(rest.get(1), WatchRequest.getDefaultInstance()).hasCancelRequest()).isTrue();
        assertThat(last.text()).isEqualTo("7");
    }

    private RangeRequest read(String body) throws Exception {
        RawJson value = new JsonValueReader(Integer.MAX_VALUE).readFirst(body.getBytes(StandardCharsets.UTF_8));
        return reader.read(value, RangeRequest.getDefaultInstance());
    }
}
