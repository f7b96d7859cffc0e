package io.lessor.server.rpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.lessor.api.AlarmMember;
import io.lessor.api.AlarmRequest;
import io.lessor.api.AlarmResponse;
import io.lessor.api.AlarmType;
import io.lessor.api.DefragmentRequest;
import io.lessor.api.DefragmentResponse;
import io.lessor.api.MaintenanceGrpc;
import io.lessor.api.StatusRequest;
import io.lessor.api.StatusResponse;
import io.lessor.server.engine.Engine;
import io.lessor.server.engine.EngineStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of etcd's Maintenance service that a single node serves: Status (for
 * {@code etcdctl endpoint status}), Alarm (for {@code etcdctl alarm list} and
 * {@code alarm disarm}, and the health check of newer etcdctl) and Defragment. The other methods
 * return UNIMPLEMENTED.
 */
final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {

    /*
     * Differences from etcd 3.4, on purpose:
     *  - An Alarm request with an action other than GET, ACTIVATE or DEACTIVATE, or one that
     *    activates or deactivates a type number the API does not define, fails with
     *    INVALID_ARGUMENT. etcd 3.4.23 crashes on the first and stores the second.
     *  - Alarm responses carry a filled header, which etcd leaves out.
     *  - Defragment compacts RocksDB instead of rewriting a bbolt file.
     */

    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceService.class);

    /**
     * The etcd version whose API and behaviour this server follows; clients such as the Go
     * client's reject-old-cluster check read it from Status.
     */
    static final String ETCD_VERSION = "3.4.0";

    private final Engine engine;

    MaintenanceService(Engine engine) {
        this.engine = engine;
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
        try {
            EngineStatus status = engine.status();
            StatusResponse.Builder response = StatusResponse.newBuilder()
                    .setHeader(engine.header())
                    .setVersion(ETCD_VERSION)
                    .setDbSize(status.dbSizeBytes())
                    .setDbSizeInUse(status.dbSizeInUseBytes())
                    .setLeader(status.leaderId())
                    // Index 1 is the member's own bootstrap, as in etcd, whose log starts with the
                    // entries that create the cluster; commands follow from index 2.
                    .setRaftIndex(status.raftIndex() + 1)
                    .setRaftAppliedIndex(status.raftAppliedIndex() + 1)
                    .setRaftTerm(status.raftTerm());
            // etcd 3.4 lists each active alarm in errors, as protobuf text.
            for (AlarmMember alarm : engine.alarms()) {
                response.addErrors(alarmText(alarm));
            }
            observer.onNext(response.build());
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(Replies.toStatus(e));
        }
    }

    @Override
    public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> observer) {
        String invalid = invalidAlarmRequest(request);
        if (invalid != null) {
            LOG.warn("rpc: rejected alarm request: {}", invalid);
            observer.onError(Status.INVALID_ARGUMENT.withDescription(invalid).asRuntimeException());
            return;
        }
        try {
            Replies.unary(engine.alarm(request), observer);
        } catch (RuntimeException e) {
            observer.onError(Replies.toStatus(e));
        }
    }

    @Override
    public void defragment(DefragmentRequest request, StreamObserver<DefragmentResponse> observer) {
        // NOTE: the compaction runs on this handler thread, so a large database keeps a thread
        // busy for as long as it takes.
        try {
            Replies.unary(engine.defragment().thenApply(header -> DefragmentResponse.newBuilder().setHeader(header).build()),
                    observer);
        } catch (RuntimeException e) {
            observer.onError(Replies.toStatus(e));
        }
    }

    /** Returns why {@code request} is invalid, or {@code null} if it is valid. */
    static String invalidAlarmRequest(AlarmRequest request) {
        if (request.getAction() == AlarmRequest.AlarmAction.UNRECOGNIZED) {
            return "invalid alarm action " + request.getActionValue() + ", expected GET (0), ACTIVATE (1) or DEACTIVATE (2)";
        }
        if (request.getAction() != AlarmRequest.AlarmAction.GET && request.getAlarm() == AlarmType.UNRECOGNIZED) {
            return "invalid alarm type " + request.getAlarmValue() + ", expected NONE (0), NOSPACE (1) or CORRUPT (2)";
        }
        if (request.getAction() == AlarmRequest.AlarmAction.ACTIVATE && request.getAlarm() == AlarmType.NONE) {
            // A stored {member, NONE} alarm would read as "every alarm" to clients: etcdctl's
            // disarm then loops until it times out. etcd 3.4.23 crashes on this request.
            return "invalid alarm type NONE for ACTIVATE, expected NOSPACE (1) or CORRUPT (2)";
        }
        return null;
    }

    /**
     * Returns an alarm as etcd 3.4's Status writes it, in Go protobuf's compact text form: for
     * example {@code "memberID:10276657743932975437 alarm:NOSPACE "}, with the id in decimal. Fields
     * with the zero value are left out, and each field ends with a space.
     */
    static String alarmText(AlarmMember alarm) {
        StringBuilder text = new StringBuilder();
        if (alarm.getMemberID() != 0) {
            text.append("memberID:").append(Long.toUnsignedString(alarm.getMemberID())).append(' ');
        }
        if (alarm.getAlarm() != AlarmType.NONE) {
            text.append("alarm:").append(alarm.getAlarm().name()).append(' ');
        }
        return text.toString();
    }
}
