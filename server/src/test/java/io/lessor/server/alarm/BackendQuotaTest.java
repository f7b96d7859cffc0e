package io.lessor.server.alarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.lessor.api.DeleteRangeRequest;
import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.PutRequest;
import io.lessor.api.RangeRequest;
import io.lessor.api.RequestOp;
import io.lessor.api.TxnRequest;
import org.junit.jupiter.api.Test;

class BackendQuotaTest {

    private static PutRequest put(String key, int valueBytes) {
        return PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFrom(new byte[valueBytes]))
                .build();
    }

    private static RequestOp putOp(String key, int valueBytes) {
        return RequestOp.newBuilder().setRequestPut(put(key, valueBytes)).build();
    }

    @Test
    void zeroQuotaMeansTwoGibibytes() {
        assertThat(BackendQuota.of(0).limitBytes()).isEqualTo(2L << 30);
        assertThat(BackendQuota.of(12345).limitBytes()).isEqualTo(12345);
    }

    @Test
    void quotaAboveEightGibibytesKept() {
        assertThat(BackendQuota.of(16L << 30).limitBytes()).as("etcd warns but does not cap").isEqualTo(16L << 30);
    }

    @Test
    void negativeQuotaFitsEverything() {
        BackendQuota off = BackendQuota.of(-1);

        assertThat(off.fits(() -> Long.MAX_VALUE / 2, 1_000_000)).isTrue();
    }

    @Test
    void fitsOnlyBelowLimit() {
        BackendQuota quota = BackendQuota.of(1000);

        assertThat(quota.fits(() -> 700, 299)).isTrue();
        assertThat(quota.fits(() -> 700, 300)).as("reaching the quota exactly does not fit").isFalse();
        assertThat(quota.fits(() -> 5000, 0)).as("a request without cost always fits").isTrue();
    }

    @Test
    void sizeNotReadForFreeRequest() {
        BackendQuota quota = BackendQuota.of(1000);

        assertThat(quota.fits(() -> {
            throw new AssertionError("size read");
        }, 0)).isTrue();
    }

    @Test
    void putCostsKeyValueAndOverhead() {
        assertThat(BackendQuota.cost(put("abc", 10))).isEqualTo(256 + 3 + 10);
        assertThat(BackendQuota.cost(LeaseGrantRequest.newBuilder().setTTL(5).build())).isEqualTo(64);
    }

    @Test
    void txnCostsLargerBranch() {
        TxnRequest txn = TxnRequest.newBuilder()
                .addSuccess(putOp("a", 1))
                .addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("r"))))
                .addFailure(putOp("b", 100))
                .addFailure(RequestOp.newBuilder().setRequestDeleteRange(
                        DeleteRangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("d"))))
                .build();

        assertThat(BackendQuota.cost(txn)).isEqualTo(256 + 1 + 100);
    }

    @Test
    void nestedTxnPutsCostNothing() {
        TxnRequest nested = TxnRequest.newBuilder().addSuccess(putOp("a", 1)).build();
        TxnRequest txn = TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestTxn(nested)).build();

        assertThat(BackendQuota.cost(txn)).isZero();
    }
}
