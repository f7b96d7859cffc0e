package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.lessor.api.Compare;
import io.lessor.api.RangeRequest;
import io.lessor.api.TxnRequest;
import io.lessor.api.WatchCreateRequest;
import org.junit.jupiter.api.Test;

/** The option records and builders on their own, without a server. */
class OptionsTest {

    private static final ByteString KEY = ByteString.copyFromUtf8("a/");

    @Test
    void optionsRejectTwoRangeSelections() {
        GetOptions switched = GetOptions.withPrefix().until(ByteString.copyFromUtf8("b"));
        GetOptions fromKey = switched.withFromKey();

        assertThat(switched.prefix()).isFalse();
        assertThat(switched.rangeEnd()).isEqualTo(ByteString.copyFromUtf8("b"));
        assertThat(fromKey.fromKey()).isTrue();
        assertThat(fromKey.rangeEnd()).isEmpty();
        assertThatThrownBy(() -> new GetOptions(ByteString.copyFromUtf8("b"), true, false, 0, 0,
                RangeRequest.SortOrder.NONE, RangeRequest.SortTarget.KEY, false, false, false, 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefix=true");
        assertThatThrownBy(() -> new DeleteOptions(ByteString.EMPTY, true, true, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WatchOptions(ByteString.copyFromUtf8("b"), false, true, 0, false, false, false, false,
                false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void getOptionsRejectNegativeNumbersAndUnknownEnums() {
        assertThatThrownBy(() -> GetOptions.DEFAULT.limitedTo(-1)).hasMessageContaining("limit must not be negative, got -1");
        assertThatThrownBy(() -> GetOptions.DEFAULT.atRevision(-1)).hasMessageContaining("revision");
        assertThatThrownBy(() -> GetOptions.DEFAULT.withMinModRevision(Long.MIN_VALUE)).hasMessageContaining("minModRevision");
        assertThatThrownBy(() -> GetOptions.DEFAULT.withMaxCreateRevision(-5)).hasMessageContaining("maxCreateRevision");
        assertThatThrownBy(() -> GetOptions.DEFAULT.withSort(RangeRequest.SortTarget.UNRECOGNIZED, RangeRequest.SortOrder.ASCEND))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WatchOptions.DEFAULT.fromRevision(-1)).hasMessageContaining("startRevision");
    }

    @Test
    void rangeRequestCarriesEveryGetOption() {
        GetOptions options = GetOptions.withPrefix().atRevision(9).limitedTo(3).withKeysOnly().withCountOnly()
                .withSerializable().withSort(RangeRequest.SortTarget.MOD, RangeRequest.SortOrder.DESCEND)
                .withMinModRevision(1).withMaxModRevision(2).withMinCreateRevision(3).withMaxCreateRevision(Long.MAX_VALUE);

        RangeRequest request = Ops.rangeRequest(KEY, options);

        assertThat(request.getRangeEnd()).isEqualTo(ByteString.copyFromUtf8("a0"));
        assertThat(request.getRevision()).isEqualTo(9);
        assertThat(request.getLimit()).isEqualTo(3);
        assertThat(request.getKeysOnly()).isTrue();
        assertThat(request.getCountOnly()).isTrue();
        assertThat(request.getSerializable()).isTrue();
        assertThat(request.getSortTarget()).isEqualTo(RangeRequest.SortTarget.MOD);
        assertThat(request.getSortOrder()).isEqualTo(RangeRequest.SortOrder.DESCEND);
        assertThat(request.getMinModRevision()).isEqualTo(1);
        assertThat(request.getMaxModRevision()).isEqualTo(2);
        assertThat(request.getMinCreateRevision()).isEqualTo(3);
        assertThat(request.getMaxCreateRevision()).isEqualTo(Long.MAX_VALUE);
        assertThat(Ops.rangeRequest(KEY, GetOptions.DEFAULT.withFromKey()).getRangeEnd())
                .isEqualTo(ByteString.copyFrom(new byte[] {0}));
    }

    @Test
    void watchCreateRequestCarriesFiltersAndFlags() {
        WatchCreateRequest request = WatchOptions.withPrefix().withNoPut().withNoDelete().withPrevKv().withProgressNotify()
                .withFragment().createRequest(KEY, 42);

        assertThat(request.getRangeEnd()).isEqualTo(ByteString.copyFromUtf8("a0"));
        assertThat(request.getStartRevision()).isEqualTo(42);
        assertThat(request.getFiltersList())
                .containsExactly(WatchCreateRequest.FilterType.NOPUT, WatchCreateRequest.FilterType.NODELETE);
        assertThat(request.getPrevKv()).isTrue();
        assertThat(request.getProgressNotify()).isTrue();
        assertThat(request.getFragment()).isTrue();
        assertThat(WatchOptions.DEFAULT.withFromKey().createRequest(KEY, 0).getRangeEnd())
                .isEqualTo(ByteString.copyFrom(new byte[] {0}));
    }

    @Test
    void comparesSetTargetOperatorAndRange() {
        Compare value = Compares.value(KEY).withPrefix().notEqual(ByteString.copyFromUtf8("x"));
        Compare lease = Compares.lease(KEY).until(ByteString.copyFromUtf8("b")).greater(7);
        Compare created = Compares.createRevision(KEY).withFromKey().less(3);

        assertThat(value.getTarget()).isEqualTo(Compare.CompareTarget.VALUE);
        assertThat(value.getResult()).isEqualTo(Compare.CompareResult.NOT_EQUAL);
        assertThat(value.getRangeEnd()).isEqualTo(ByteString.copyFromUtf8("a0"));
        assertThat(value.getValue()).isEqualTo(ByteString.copyFromUtf8("x"));
        assertThat(lease.getTarget()).isEqualTo(Compare.CompareTarget.LEASE);
        assertThat(lease.getLease()).isEqualTo(7);
        assertThat(lease.getRangeEnd()).isEqualTo(ByteString.copyFromUtf8("b"));
        assertThat(created.getCreateRevision()).isEqualTo(3);
        assertThat(created.getResult()).isEqualTo(Compare.CompareResult.LESS);
        assertThat(created.getRangeEnd()).isEqualTo(ByteString.copyFrom(new byte[] {0}));
    }

    @Test
    void txnIsImmutableAndBuildsRequestInOrder() {
        Txn base = Txn.when(Compares.version(KEY).equal(0));
        Txn full = base.and(Compares.modRevision(KEY).less(5))
                .then(Ops.put(KEY, ByteString.copyFromUtf8("v")), Ops.get(KEY))
                .orElse(Ops.delete(KEY))
                .orElse(Ops.txn(Txn.when().then(Ops.get(KEY))));

        TxnRequest request = full.toRequest();

        assertThat(base.compares()).hasSize(1);
        assertThat(base.success()).isEmpty();
        assertThat(request.getCompareCount()).isEqualTo(2);
        assertThat(request.getSuccessList()).extracting(op -> op.getRequestCase().name())
                .containsExactly("REQUEST_PUT", "REQUEST_RANGE");
        assertThat(request.getFailureList()).extracting(op -> op.getRequestCase().name())
                .containsExactly("REQUEST_DELETE_RANGE", "REQUEST_TXN");
        assertThatThrownBy(() -> base.then((io.lessor.api.RequestOp) null)).isInstanceOf(NullPointerException.class);
    }
}
