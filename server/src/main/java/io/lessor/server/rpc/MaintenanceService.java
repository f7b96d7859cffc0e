package io.lessor.server.rpc;

import io.grpc.stub.StreamObserver;
import io.lessor.api.AlarmRequest;
import io.lessor.api.AlarmResponse;
import io.lessor.api.MaintenanceGrpc;
import io.lessor.api.StatusRequest;
import io.lessor.api.StatusResponse;
import io.lessor.server.engine.Engine;
import io.lessor.server.engine.EngineStatus;

/**
 * The parts of etcd's Maintenance service that clients call on a healthy single node: Status
 * (for {@code etcdctl endpoint status}) and Alarm (newer etcdctl requests alarms in
 * {@code endpoint health}; there are never any here). The other methods return UNIMPLEMENTED.
 */
final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {

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
            StatusResponse response = StatusResponse.newBuilder()
                    .setHeader(engine.header())
                    .setVersion(ETCD_VERSION)
                    .setDbSize(status.dbSizeBytes())
                    .setDbSizeInUse(status.dbSizeInUseBytes())
                    .setLeader(status.leaderId())
                    // Index 1 is the member's own bootstrap, as in etcd, whose log starts with the
                    // entries that create the cluster; commands follow from index 2.
                    .setRaftIndex(status.raftIndex() + 1)
                    .setRaftAppliedIndex(status.raftAppliedIndex() + 1)
                    .setRaftTerm(status.raftTerm())
                    .build();
            observer.onNext(response);
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(Replies.toStatus(e));
        }
    }

    @Override
    public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> observer) {
        observer.onNext(AlarmResponse.newBuilder().setHeader(engine.header()).build());
        observer.onCompleted();
    }
}
