package io.lessor.server.engine;

import static io.lessor.server.engine.EngineTestSupport.assertFails;
import static io.lessor.server.engine.EngineTestSupport.bytes;
import static io.lessor.server.engine.EngineTestSupport.delete;
import static io.lessor.server.engine.EngineTestSupport.get;
import static io.lessor.server.engine.EngineTestSupport.grant;
import static io.lessor.server.engine.EngineTestSupport.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.lessor.api.AlarmMember;
import io.lessor.api.AlarmRequest;
import io.lessor.api.AlarmRequest.AlarmAction;
import io.lessor.api.AlarmResponse;
import io.lessor.api.AlarmType;
import io.lessor.api.CompactionRequest;
import io.lessor.api.DeleteRangeRequest;
import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.LeaseRevokeRequest;
import io.lessor.api.PutRequest;
import io.lessor.api.RangeRequest;
import io.lessor.api.RequestOp;
import io.lessor.api.TxnRequest;
import io.lessor.context.LeakCheck;
import io.lessor.context.ManualClock;
import io.lessor.server.EtcdError;
import io.lessor.server.ServerConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
class AlarmEngineTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private LocalEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private void open(long quotaBackendBytes) {
        if (engine != null) {
            engine.close();
        }
        ServerConfig config = EngineTestSupport.configWithoutExpiryChecks(dir).withQuotaBackendBytes(quotaBackendBytes);
        engine = LocalEngine.open(config, clock);
        engine.promote();
    }

    private AlarmResponse alarm(AlarmAction action, long memberId, AlarmType type) {
        return engine.alarm(AlarmRequest.newBuilder().setAction(action).setMemberID(memberId).setAlarm(type).build())
                .join();
    }

    private static AlarmMember member(long memberId, AlarmType type) {
        return AlarmMember.newBuilder().setMemberID(memberId).setAlarm(type).build();
    }

    private static RequestOp putOp(String key) {
        return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes("v")))
                .build();
    }

    private static RequestOp deleteOp(String key) {
        return RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(bytes(key))).build();
    }

    private static RequestOp rangeOp(String key) {
        return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes(key))).build();
    }

    @Test
    void alarmActivateListDeactivate() {
        open(0);

        assertThat(alarm(AlarmAction.ACTIVATE, 7, AlarmType.NOSPACE).getAlarmsList())
                .containsExactly(member(7, AlarmType.NOSPACE));
        assertThat(alarm(AlarmAction.ACTIVATE, 7, AlarmType.NOSPACE).getAlarmsList())
                .as("activating an active alarm returns it again")
                .containsExactly(member(7, AlarmType.NOSPACE));
        alarm(AlarmAction.ACTIVATE, 3, AlarmType.CORRUPT);
        alarm(AlarmAction.ACTIVATE, -1, AlarmType.NOSPACE);

        assertThat(alarm(AlarmAction.GET, 0, AlarmType.NONE).getAlarmsList()).as("NONE lists every type")
                .containsExactly(member(7, AlarmType.NOSPACE), member(-1, AlarmType.NOSPACE),
                        member(3, AlarmType.CORRUPT));
        assertThat(alarm(AlarmAction.GET, 0, AlarmType.CORRUPT).getAlarmsList())
                .containsExactly(member(3, AlarmType.CORRUPT));
        assertThat(engine.alarms()).hasSize(3);

        assertThat(alarm(AlarmAction.DEACTIVATE, 8, AlarmType.NOSPACE).getAlarmsList())
                .as("deactivating an inactive alarm returns none").isEmpty();
        assertThat(alarm(AlarmAction.DEACTIVATE, 3, AlarmType.CORRUPT).getAlarmsList())
                .containsExactly(member(3, AlarmType.CORRUPT));
        assertThat(alarm(AlarmAction.GET, 0, AlarmType.NONE).getAlarmsList())
                .containsExactly(member(7, AlarmType.NOSPACE), member(-1, AlarmType.NOSPACE));
    }

    @Test
    void alarmChangeAdvancesAppliedIndex() {
        open(0);
        long before = engine.status().raftIndex();

        AlarmResponse response = alarm(AlarmAction.ACTIVATE, 7, AlarmType.NOSPACE);

        assertThat(engine.status().raftIndex()).as("an alarm change is a command").isEqualTo(before + 1);
        assertThat(response.getHeader().getMemberId()).isEqualTo(engine.header().getMemberId());
    }

    @Test
    void alarmWithUndefinedTypeRejected() {
        open(0);
        AlarmRequest request = AlarmRequest.newBuilder().setAction(AlarmAction.ACTIVATE).setAlarmValue(9).build();

        assertThatThrownBy(() -> engine.alarm(request)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("9");
        assertThat(engine.alarms()).isEmpty();
    }

    @Test
    void nospaceRejectsPutGrantAndPutTxn() {
        open(0);
        put(engine, "a", "1");
        alarm(AlarmAction.ACTIVATE, 42, AlarmType.NOSPACE);

        assertFails(engine.put(PutRequest.newBuilder().setKey(bytes("b")).setValue(bytes("2")).build()),
                EtcdError.NO_SPACE);
        assertFails(engine.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()), EtcdError.NO_SPACE);
        assertFails(engine.txn(TxnRequest.newBuilder().addSuccess(deleteOp("a")).addFailure(putOp("c")).build()),
                EtcdError.NO_SPACE);
        assertThat(get(engine, "a").getValue().toStringUtf8()).as("rejected writes change nothing").isEqualTo("1");
        assertThat(get(engine, "b")).isNull();
    }

    @Test
    void nospaceAllowsReadsDeletesRevokesCompaction() {
        open(0);
        put(engine, "a", "1");
        put(engine, "b", "2");
        put(engine, "c", "3");
        long lease = grant(engine, 60);
        alarm(AlarmAction.ACTIVATE, 42, AlarmType.NOSPACE);

        assertThat(get(engine, "a")).isNotNull();
        assertThat(engine.txn(TxnRequest.newBuilder().addSuccess(rangeOp("a")).build()).join().getSucceeded()).isTrue();
        assertThat(engine.txn(TxnRequest.newBuilder().addSuccess(deleteOp("a")).build()).join().getSucceeded())
                .as("a txn without puts costs nothing").isTrue();
        assertThat(delete(engine, "b").getDeleted()).isEqualTo(1);
        engine.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(lease).build()).join();
        engine.compact(CompactionRequest.newBuilder().setRevision(engine.revision()).build()).join();
        assertThat(engine.compactedRevision()).isEqualTo(engine.revision());
    }

    @Test
    void nospaceAllowsPutsInNestedTxn() {
        open(0);
        alarm(AlarmAction.ACTIVATE, 42, AlarmType.NOSPACE);
        TxnRequest nested = TxnRequest.newBuilder().addSuccess(putOp("n")).build();

        // etcd 3.4 counts only a branch's own puts, so this txn costs nothing and is applied.
        engine.txn(TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestTxn(nested)).build()).join();

        assertThat(get(engine, "n")).isNotNull();
    }

    @Test
    void disarmedNospaceAllowsWrites() {
        open(0);
        alarm(AlarmAction.ACTIVATE, 42, AlarmType.NOSPACE);
        alarm(AlarmAction.ACTIVATE, 43, AlarmType.NOSPACE);
        alarm(AlarmAction.DEACTIVATE, 42, AlarmType.NOSPACE);
        assertFails(engine.put(PutRequest.newBuilder().setKey(bytes("b")).setValue(bytes("2")).build()),
                EtcdError.NO_SPACE);

        alarm(AlarmAction.DEACTIVATE, 43, AlarmType.NOSPACE);

        put(engine, "b", "2");
        assertThat(grant(engine, 60)).isNotZero();
    }

    @Test
    void corruptRejectsEveryWrite() {
        open(0);
        put(engine, "a", "1");
        long lease = grant(engine, 60);
        alarm(AlarmAction.ACTIVATE, 42, AlarmType.CORRUPT);

        assertFails(engine.put(PutRequest.newBuilder().setKey(bytes("b")).setValue(bytes("2")).build()),
                EtcdError.CORRUPT);
        assertFails(engine.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("a")).build()), EtcdError.CORRUPT);
        assertFails(engine.txn(TxnRequest.newBuilder().addSuccess(deleteOp("a")).build()), EtcdError.CORRUPT);
        assertFails(engine.compact(CompactionRequest.newBuilder().setRevision(1).build()), EtcdError.CORRUPT);
        assertFails(engine.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()), EtcdError.CORRUPT);
        assertFails(engine.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(lease).build()), EtcdError.CORRUPT);
        assertThat(get(engine, "a")).as("reads still work").isNotNull();
        assertThat(engine.txn(TxnRequest.newBuilder().addSuccess(rangeOp("a")).build()).join().getSucceeded()).isTrue();

        alarm(AlarmAction.DEACTIVATE, 42, AlarmType.CORRUPT);
        put(engine, "b", "2");
    }

    @Test
    void corruptWinsOverNospace() {
        open(0);
        alarm(AlarmAction.ACTIVATE, 42, AlarmType.CORRUPT);
        alarm(AlarmAction.ACTIVATE, 42, AlarmType.NOSPACE);

        assertFails(engine.put(PutRequest.newBuilder().setKey(bytes("b")).setValue(bytes("2")).build()),
                EtcdError.CORRUPT);
    }

    @Test
    void alarmsSurviveRestart() {
        open(0);
        alarm(AlarmAction.ACTIVATE, 42, AlarmType.NOSPACE);
        alarm(AlarmAction.ACTIVATE, 43, AlarmType.CORRUPT);
        alarm(AlarmAction.DEACTIVATE, 43, AlarmType.CORRUPT);

        open(0);

        assertThat(engine.alarms()).containsExactly(member(42, AlarmType.NOSPACE));
        assertFails(engine.put(PutRequest.newBuilder().setKey(bytes("b")).setValue(bytes("2")).build()),
                EtcdError.NO_SPACE);
        alarm(AlarmAction.DEACTIVATE, 42, AlarmType.NOSPACE);
        put(engine, "b", "2");
    }

    @Test
    void smallQuotaCountsStoredData() {
        // etcd 3.4.23 accepted 252 puts of 100-byte values under a 64 KiB quota.
        open(64 * 1024);
        ByteString value = ByteString.copyFrom(new byte[100]);

        int written = 0;
        while (written < 1_000) {
            try {
                engine.put(PutRequest.newBuilder().setKey(bytes("k" + written)).setValue(value).build()).join();
            } catch (RuntimeException e) {
                break;
            }
            written++;
        }

        assertThat(written).as("puts accepted before NOSPACE").isBetween(100, 600);
    }

    @Test
    void quotaExceededRaisesNospace() {
        long quota = 64 * 1024;
        open(quota);
        long memberId = engine.header().getMemberId();
        ByteString value = ByteString.copyFrom(new byte[2000]);

        int written = 0;
        Throwable failure = null;
        while (failure == null && written < 1000) {
            PutRequest request = PutRequest.newBuilder().setKey(bytes("k" + written)).setValue(value).build();
            long sizeBefore = engine.status().dbSizeBytes();
            try {
                engine.put(request).join();
                assertThat(sizeBefore + 256 + request.getKey().size() + value.size())
                        .as("a put is accepted only while it fits").isLessThan(quota);
                written++;
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        assertThat(written).as("puts fit before the quota is reached").isPositive();
        assertFails(engine.put(PutRequest.newBuilder().setKey(bytes("x")).setValue(value).build()), EtcdError.NO_SPACE);
        assertThat(engine.alarms()).containsExactly(member(memberId, AlarmType.NOSPACE));
        assertThat(get(engine, "x")).isNull();
        assertFails(engine.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()), EtcdError.NO_SPACE);
        assertThat(engine.txn(TxnRequest.newBuilder().addSuccess(rangeOp("k0")).build()).join().getSucceeded())
                .as("a read-only txn costs nothing").isTrue();
    }

    @Test
    void defragmentedStorageAcceptsWritesAfterDisarm() {
        long quota = 64 * 1024;
        open(quota);
        long memberId = engine.header().getMemberId();
        ByteString value = ByteString.copyFrom(new byte[2000]);
        int written = 0;
        while (engine.alarms().isEmpty() && written < 1000) {
            engine.put(PutRequest.newBuilder().setKey(bytes("k" + written)).setValue(value).build())
                    .exceptionally(failure -> null).join();
            written++;
        }
        assertThat(engine.alarms()).containsExactly(member(memberId, AlarmType.NOSPACE));

        engine.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("k")).setRangeEnd(bytes("l")).build()).join();
        engine.compact(CompactionRequest.newBuilder().setRevision(engine.revision()).build()).join();
        engine.defragment().join();
        assertThat(engine.status().dbSizeBytes()).as("defragment frees the deleted records").isLessThan(quota / 2);
        alarm(AlarmAction.DEACTIVATE, memberId, AlarmType.NOSPACE);

        put(engine, "after", "disarm");
        assertThat(engine.alarms()).isEmpty();
    }

    @Test
    void negativeQuotaDisablesCheck() {
        open(-1);
        ByteString value = ByteString.copyFrom(new byte[100_000]);

        for (int i = 0; i < 5; i++) {
            engine.put(PutRequest.newBuilder().setKey(bytes("k" + i)).setValue(value).build()).join();
        }

        assertThat(engine.alarms()).isEmpty();
        assertThat(get(engine, "k4")).isNotNull();
    }
}
