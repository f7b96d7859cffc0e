package io.lessor.compat;

import static io.lessor.compat.support.Requests.bytes;
import static io.lessor.compat.support.Requests.delete;
import static io.lessor.compat.support.Requests.get;
import static io.lessor.compat.support.Requests.grant;
import static io.lessor.compat.support.Requests.put;
import static io.lessor.compat.support.Requests.revoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Maintenance;
import io.etcd.jetcd.maintenance.AlarmMember;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lessor.api.AlarmRequest;
import io.lessor.api.AlarmRequest.AlarmAction;
import io.lessor.api.AlarmResponse;
import io.lessor.api.AlarmType;
import io.lessor.api.CompactionRequest;
import io.lessor.api.DefragmentRequest;
import io.lessor.api.PutRequest;
import io.lessor.api.RequestOp;
import io.lessor.api.StatusRequest;
import io.lessor.api.TxnRequest;
import io.lessor.compat.support.Differential;
import io.lessor.compat.support.Etcdctl;
import io.lessor.compat.support.OnBothTargets;
import io.lessor.compat.support.Target;
import io.lessor.compat.support.TargetKind;
import io.lessor.compat.support.Transcript;
import io.lessor.testing.LeakCheck;
import io.lessor.testing.LeakCheckExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Maintenance.Alarm and the NOSPACE and CORRUPT modes: what each alarm rejects, with which
 * status, how etcdctl and jetcd list and disarm alarms, the quota of
 * {@code --quota-backend-bytes}, and alarms across a restart.
 */
@ExtendWith(LeakCheckExtension.class)
// jetcd's close submits work to Netty's JVM-wide GlobalEventExecutor. Its thread exits after
// a second without tasks, which on a loaded machine can exceed the check's wait.
@LeakCheck(ignoreThreads = "globalEventExecutor-\\d+-\\d+")
class AlarmCompatTest {

    /** A member id that the test chooses, so both servers list the same alarm. */
    private static final long MEMBER = 7;
    /** A quota that etcd 3.4 reaches after a few dozen kilobytes of writes. */
    private static final long TINY_QUOTA = 64 * 1024;
    private static final long CALL_TIMEOUT_SECONDS = 10;

    @RegisterExtension
    final Differential differential = new Differential();

    private static AlarmRequest alarm(AlarmAction action, long memberId, AlarmType type) {
        return AlarmRequest.newBuilder().setAction(action).setMemberID(memberId).setAlarm(type).build();
    }

    /**
     * Calls Alarm and records the alarms it returns. etcd 3.4 sends no header with Alarm while
     * Lessor fills it, so the header is left out of the transcript.
     */
    private static AlarmResponse callAlarm(Transcript out, String label, Target target, AlarmRequest request)
            throws Exception {
        return out.call(label, () -> target.maintenance().alarm(request).toBuilder().clearHeader().build());
    }

    private static RequestOp putOp(String key) {
        return RequestOp.newBuilder().setRequestPut(put(key, "v")).build();
    }

    private static RequestOp deleteOp(String key) {
        return RequestOp.newBuilder().setRequestDeleteRange(delete(key)).build();
    }

    private static RequestOp rangeOp(String key) {
        return RequestOp.newBuilder().setRequestRange(get(key)).build();
    }

    private static List<String> statusErrors(Target target) {
        return target.maintenance().status(StatusRequest.getDefaultInstance()).getErrorsList();
    }

    @OnBothTargets
    void alarmActivateListDeactivate(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            callAlarm(out, "activate nospace", target, alarm(AlarmAction.ACTIVATE, MEMBER, AlarmType.NOSPACE));
            callAlarm(out, "activate nospace again", target, alarm(AlarmAction.ACTIVATE, MEMBER, AlarmType.NOSPACE));
            callAlarm(out, "get all", target, alarm(AlarmAction.GET, 0, AlarmType.NONE));
            callAlarm(out, "get corrupt", target, alarm(AlarmAction.GET, 0, AlarmType.CORRUPT));
            out.note("status errors", statusErrors(target));
            callAlarm(out, "deactivate other member", target, alarm(AlarmAction.DEACTIVATE, 8, AlarmType.NOSPACE));
            callAlarm(out, "deactivate", target, alarm(AlarmAction.DEACTIVATE, MEMBER, AlarmType.NOSPACE));
            callAlarm(out, "get after deactivate", target, alarm(AlarmAction.GET, 0, AlarmType.NONE));
            out.note("status errors after deactivate", statusErrors(target));
        });

        assertThat(t.response("get all", AlarmResponse.class).getAlarmsList()).hasSize(1);
        assertThat(t.noteText("status errors")).isEqualTo("[memberID:7 alarm:NOSPACE ]");
        assertThat(t.response("deactivate other member", AlarmResponse.class).getAlarmsList()).isEmpty();
        assertThat(t.noteText("status errors after deactivate")).isEqualTo("[]");
    }

    @OnBothTargets
    void nospaceCapsWrites(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            target.kv().put(put("cap/a", "1"));
            target.kv().put(put("cap/b", "2"));
            long lease = target.lease().leaseGrant(grant(60)).getID();
            out.alias(lease);
            callAlarm(out, "activate", target, alarm(AlarmAction.ACTIVATE, MEMBER, AlarmType.NOSPACE));

            out.call("put", () -> target.kv().put(put("cap/c", "3")));
            out.call("lease grant", () -> target.lease().leaseGrant(grant(60)));
            out.call("txn with put", () -> target.kv().txn(TxnRequest.newBuilder()
                    .addSuccess(deleteOp("cap/a")).addFailure(putOp("cap/c")).build()));
            out.call("range", () -> target.kv().range(get("cap/a")));
            out.call("read-only txn", () -> target.kv().txn(TxnRequest.newBuilder().addSuccess(rangeOp("cap/a")).build()));
            out.call("txn with delete", () -> target.kv().txn(TxnRequest.newBuilder().addSuccess(deleteOp("cap/a")).build()));
            out.call("nested txn with put", () -> target.kv().txn(TxnRequest.newBuilder()
                    .addSuccess(RequestOp.newBuilder().setRequestTxn(TxnRequest.newBuilder().addSuccess(putOp("cap/n"))))
                    .build()));
            out.call("delete", () -> target.kv().deleteRange(delete("cap/b")));
            out.call("lease revoke", () -> target.lease().leaseRevoke(revoke(lease)));
            out.call("compact", () -> target.kv().compact(CompactionRequest.newBuilder().setRevision(2).build()));

            callAlarm(out, "deactivate", target, alarm(AlarmAction.DEACTIVATE, MEMBER, AlarmType.NOSPACE));
            out.call("put after deactivate", () -> target.kv().put(put("cap/c", "3")));
        });

        assertThat(t.code("put")).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(t.description("put")).isEqualTo("etcdserver: mvcc: database space exceeded");
        assertThat(t.code("lease grant")).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(t.code("txn with put")).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(t.code("txn with delete")).isEqualTo(Status.Code.OK);
        assertThat(t.code("nested txn with put")).isEqualTo(Status.Code.OK);
        assertThat(t.code("delete")).isEqualTo(Status.Code.OK);
        assertThat(t.code("lease revoke")).isEqualTo(Status.Code.OK);
        assertThat(t.code("compact")).isEqualTo(Status.Code.OK);
        assertThat(t.code("put after deactivate")).isEqualTo(Status.Code.OK);
    }

    @OnBothTargets
    void corruptRejectsWritesKeepsReads(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            target.kv().put(put("cor/a", "1"));
            long lease = target.lease().leaseGrant(grant(60)).getID();
            out.alias(lease);
            callAlarm(out, "activate", target, alarm(AlarmAction.ACTIVATE, MEMBER, AlarmType.CORRUPT));

            out.call("put", () -> target.kv().put(put("cor/b", "2")));
            out.call("delete", () -> target.kv().deleteRange(delete("cor/a")));
            out.call("txn with delete", () -> target.kv().txn(TxnRequest.newBuilder().addSuccess(deleteOp("cor/a")).build()));
            out.call("compact", () -> target.kv().compact(CompactionRequest.newBuilder().setRevision(1).build()));
            out.call("lease grant", () -> target.lease().leaseGrant(grant(60)));
            out.call("lease revoke", () -> target.lease().leaseRevoke(revoke(lease)));
            out.call("range", () -> target.kv().range(get("cor/a")));
            out.call("read-only txn", () -> target.kv().txn(TxnRequest.newBuilder().addSuccess(rangeOp("cor/a")).build()));
            out.note("status errors", statusErrors(target));

            callAlarm(out, "deactivate", target, alarm(AlarmAction.DEACTIVATE, MEMBER, AlarmType.CORRUPT));
            out.call("put after deactivate", () -> target.kv().put(put("cor/b", "2")));
        });

        assertThat(t.code("put")).isEqualTo(Status.Code.DATA_LOSS);
        assertThat(t.description("put")).isEqualTo("etcdserver: corrupt cluster");
        assertThat(t.code("delete")).isEqualTo(Status.Code.DATA_LOSS);
        assertThat(t.code("range")).isEqualTo(Status.Code.OK);
        assertThat(t.code("put after deactivate")).isEqualTo(Status.Code.OK);
    }

    @OnBothTargets
    void tinyQuotaRaisesNospace(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, TINY_QUOTA, (target, out) -> {
            long memberId = target.kv().range(get("health")).getHeader().getMemberId();
            ByteString value = ByteString.copyFrom(new byte[2000]);

            // given puts of 2 kB until the quota rejects one
            Status rejected = null;
            int written = 0;
            while (rejected == null && written < 500) {
                PutRequest request = PutRequest.newBuilder().setKey(bytes("q/" + written)).setValue(value).build();
                try {
                    target.kv().put(request);
                    written++;
                } catch (StatusRuntimeException e) {
                    rejected = e.getStatus();
                }
            }
            // The number of puts that fit differs, because the two storages grow differently.
            out.note("some puts fit", written > 0);
            out.note("rejection", rejected == null ? "none" : rejected.getCode() + ": " + rejected.getDescription());

            // then NOSPACE is active for this member, and capped mode applies
            AlarmResponse alarms = target.maintenance().alarm(alarm(AlarmAction.GET, 0, AlarmType.NONE));
            out.note("alarms", alarms.getAlarmsList().stream()
                    .map(a -> (a.getMemberID() == memberId ? "this member" : "other member") + " " + a.getAlarm())
                    .toList());
            out.note("status errors name this member",
                    statusErrors(target).equals(List.of("memberID:" + Long.toUnsignedString(memberId) + " alarm:NOSPACE ")));
            out.note("small put", outcome(() -> target.kv().put(put("q/small", "v"))));
            out.note("lease grant", outcome(() -> target.lease().leaseGrant(grant(60))));
            out.note("read-only txn", outcome(() -> target.kv().txn(TxnRequest.newBuilder().addSuccess(rangeOp("q/0")).build())));

            // when the keys are deleted, compacted and defragmented, and the alarm disarmed
            target.kv().deleteRange(delete("q/").toBuilder().setRangeEnd(bytes("q0")).build());
            long revision = target.kv().range(get("health")).getHeader().getRevision();
            target.kv().compact(CompactionRequest.newBuilder().setRevision(revision).build());
            target.maintenance().defragment(DefragmentRequest.getDefaultInstance());
            AlarmResponse disarmed = target.maintenance().alarm(alarm(AlarmAction.DEACTIVATE, memberId, AlarmType.NOSPACE));
            out.note("disarmed this member", disarmed.getAlarmsList().equals(alarms.getAlarmsList()));

            // then writes go through again
            out.note("put after disarm", outcome(() -> target.kv().put(put("q/after", "v"))));
            out.note("alarms after disarm", target.maintenance().alarm(alarm(AlarmAction.GET, 0, AlarmType.NONE))
                    .getAlarmsCount());
        });

        assertThat(t.noteText("rejection")).isEqualTo("RESOURCE_EXHAUSTED: etcdserver: mvcc: database space exceeded");
        assertThat(t.noteText("alarms")).isEqualTo("[this member NOSPACE]");
        assertThat(t.noteText("status errors name this member")).isEqualTo("true");
        assertThat(t.noteText("small put")).startsWith("RESOURCE_EXHAUSTED");
        assertThat(t.noteText("disarmed this member")).isEqualTo("true");
        assertThat(t.noteText("read-only txn")).isEqualTo("OK");
        assertThat(t.noteText("put after disarm")).isEqualTo("OK");
    }

    /** Returns "OK" if {@code call} succeeds, or its status code and description. */
    private static String outcome(Callable<?> call) throws Exception {
        try {
            call.call();
            return "OK";
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() + ": " + e.getStatus().getDescription();
        }
    }

    @OnBothTargets
    void alarmSurvivesRestart(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            callAlarm(out, "activate", target, alarm(AlarmAction.ACTIVATE, MEMBER, AlarmType.NOSPACE));

            // when the server restarts
            target.restart(Duration.ZERO);

            // then the alarm is still active and still caps writes
            callAlarm(out, "get after restart", target, alarm(AlarmAction.GET, 0, AlarmType.NONE));
            out.call("put after restart", () -> target.kv().put(put("rs/a", "1")));
            callAlarm(out, "deactivate", target, alarm(AlarmAction.DEACTIVATE, MEMBER, AlarmType.NOSPACE));
            out.call("put after deactivate", () -> target.kv().put(put("rs/a", "1")));
        });

        assertThat(t.response("get after restart", AlarmResponse.class).getAlarmsList()).hasSize(1);
        assertThat(t.code("put after restart")).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(t.code("put after deactivate")).isEqualTo(Status.Code.OK);
    }

    @OnBothTargets
    void etcdctlAlarmListAndDisarm(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            Etcdctl etcdctl = new Etcdctl(target.endpoint(), differential.workDir());
            record(out, "list empty", etcdctl.run("alarm", "list"));
            // One alarm only, because etcd lists several in Go map order, which varies.
            target.maintenance().alarm(alarm(AlarmAction.ACTIVATE, MEMBER, AlarmType.NOSPACE));

            record(out, "list", etcdctl.run("alarm", "list"));
            record(out, "put", etcdctl.run("put", "ec/k", "v"));
            record(out, "disarm", etcdctl.run("alarm", "disarm"));
            record(out, "list after disarm", etcdctl.run("alarm", "list"));
            record(out, "put after disarm", etcdctl.run("put", "ec/k", "v"));
        });

        assertThat(t.noteText("list: stdout")).isEqualTo("memberID:7 alarm:NOSPACE \n");
        assertThat(t.noteText("put: exit")).isNotEqualTo("0");
        assertThat(t.noteText("list after disarm: stdout")).isEmpty();
        assertThat(t.noteText("put after disarm: exit")).isEqualTo("0");
    }

    @OnBothTargets
    void jetcdListsAndDisarmsAlarm(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            target.maintenance().alarm(alarm(AlarmAction.ACTIVATE, MEMBER, AlarmType.NOSPACE));
            try (Client client = Client.builder().endpoints(target.endpoint()).build()) {
                Maintenance maintenance = client.getMaintenanceClient();

                List<AlarmMember> listed = maintenance.listAlarms().get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).getAlarms();
                out.note("listed", listed.stream().map(a -> a.getMemberId() + " " + a.getAlarmType()).toList());
                Throwable putFailure = null;
                try {
                    client.getKVClient().put(ByteSequence.from(bytes("jc/k").toByteArray()),
                            ByteSequence.from(bytes("v").toByteArray())).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    putFailure = e.getCause();
                }
                out.note("put failure", putFailure == null ? "none" : putFailure.getMessage());

                List<AlarmMember> disarmed = maintenance.alarmDisarm(listed.getFirst())
                        .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).getAlarms();
                out.note("disarmed", disarmed.stream().map(a -> a.getMemberId() + " " + a.getAlarmType()).toList());
                out.note("listed after disarm",
                        maintenance.listAlarms().get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).getAlarms().size());
            }
        });

        assertThat(t.noteText("listed")).isEqualTo("[7 NOSPACE]");
        assertThat(t.noteText("put failure")).contains("etcdserver: mvcc: database space exceeded");
        assertThat(t.noteText("disarmed")).isEqualTo("[7 NOSPACE]");
        assertThat(t.noteText("listed after disarm")).isEqualTo("0");
    }

    private static void record(Transcript out, String label, Etcdctl.Result result) {
        out.note(label + ": exit", result.exitCode());
        out.note(label + ": stdout", out.normalizer().normalizeText(result.stdout()));
        out.note(label + ": stderr", out.normalizer().normalizeStderr(result.stderr()));
    }
}
