package io.lessor.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.lessor.api.AlarmMember;
import io.lessor.api.AlarmRequest;
import io.lessor.api.AlarmRequest.AlarmAction;
import io.lessor.api.AlarmType;
import io.lessor.api.DefragmentRequest;
import io.lessor.api.KVGrpc;
import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.LeaseGrpc;
import io.lessor.api.MaintenanceGrpc;
import io.lessor.api.PutRequest;
import io.lessor.api.StatusRequest;
import io.lessor.api.StatusResponse;
import io.lessor.context.LeakCheck;
import io.lessor.server.LessorServer;
import io.lessor.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
class MaintenanceServiceTest {

    @TempDir
    Path dataDir;

    private LessorServer server;
    private ManagedChannel channel;

    private MaintenanceGrpc.MaintenanceBlockingStub start(long quotaBackendBytes) {
        ServerConfig config = ServerConfig.defaults(dataDir)
                .withListenAddress(new InetSocketAddress("127.0.0.1", 0))
                .withQuotaBackendBytes(quotaBackendBytes);
        try {
            server = LessorServer.start(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        InetSocketAddress bound = server.listenAddresses().get(0);
        channel = NettyChannelBuilder.forAddress(bound.getHostString(), bound.getPort()).usePlaintext().build();
        return MaintenanceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    private static AlarmRequest request(AlarmAction action, long memberId, AlarmType type) {
        return AlarmRequest.newBuilder().setAction(action).setMemberID(memberId).setAlarm(type).build();
    }

    @Test
    void alarmTextMatchesGoCompactText() {
        AlarmMember nospace = AlarmMember.newBuilder().setMemberID(-8170086329776576179L).setAlarm(AlarmType.NOSPACE).build();

        assertThat(MaintenanceService.alarmText(nospace)).isEqualTo("memberID:10276657743932975437 alarm:NOSPACE ");
        assertThat(MaintenanceService.alarmText(AlarmMember.newBuilder().setMemberID(5).build())).isEqualTo("memberID:5 ");
        assertThat(MaintenanceService.alarmText(AlarmMember.newBuilder().setAlarm(AlarmType.CORRUPT).build()))
                .isEqualTo("alarm:CORRUPT ");
    }

    @Test
    void statusListsAlarmsInErrors() {
        MaintenanceGrpc.MaintenanceBlockingStub maintenance = start(0);
        assertThat(maintenance.status(StatusRequest.getDefaultInstance()).getErrorsList()).isEmpty();

        maintenance.alarm(request(AlarmAction.ACTIVATE, 5, AlarmType.NOSPACE));

        StatusResponse status = maintenance.status(StatusRequest.getDefaultInstance());
        assertThat(status.getErrorsList()).containsExactly("memberID:5 alarm:NOSPACE ");
    }

    @Test
    void alarmUnknownActionInvalidArgument() {
        MaintenanceGrpc.MaintenanceBlockingStub maintenance = start(0);

        assertThatThrownBy(() -> maintenance.alarm(AlarmRequest.newBuilder().setActionValue(7).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("7");
                });
        assertThat(maintenance.alarm(request(AlarmAction.GET, 0, AlarmType.NONE)).getAlarmsList())
                .as("the server still serves").isEmpty();
    }

    @Test
    void activateNoneInvalidArgument() {
        MaintenanceGrpc.MaintenanceBlockingStub maintenance = start(0);

        assertThatThrownBy(() -> maintenance.alarm(request(AlarmAction.ACTIVATE, 0, AlarmType.NONE)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("invalid alarm type NONE for ACTIVATE");
                });
        assertThat(maintenance.alarm(request(AlarmAction.GET, 0, AlarmType.NONE)).getAlarmsList())
                .as("nothing stored").isEmpty();
    }

    @Test
    void alarmUnknownTypeInvalidArgument() {
        MaintenanceGrpc.MaintenanceBlockingStub maintenance = start(0);
        AlarmRequest activate = AlarmRequest.newBuilder().setAction(AlarmAction.ACTIVATE).setAlarmValue(9).build();

        assertThatThrownBy(() -> maintenance.alarm(activate))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThat(maintenance.alarm(AlarmRequest.newBuilder().setAlarmValue(9).build()).getAlarmsList())
                .as("GET of an unknown type lists nothing").isEmpty();
    }

    @Test
    void quotaRejectionReturnsResourceExhausted() {
        MaintenanceGrpc.MaintenanceBlockingStub maintenance = start(1);
        PutRequest put = PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build();

        assertThatThrownBy(() -> KVGrpc.newBlockingStub(channel).put(put))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: mvcc: database space exceeded");
                });
        assertThatThrownBy(() -> LeaseGrpc.newBlockingStub(channel).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(5).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));

        long memberId = maintenance.status(StatusRequest.getDefaultInstance()).getHeader().getMemberId();
        assertThat(maintenance.alarm(request(AlarmAction.GET, 0, AlarmType.NONE)).getAlarmsList())
                .containsExactly(AlarmMember.newBuilder().setMemberID(memberId).setAlarm(AlarmType.NOSPACE).build());
    }

    @Test
    void defragmentReturnsHeader() {
        MaintenanceGrpc.MaintenanceBlockingStub maintenance = start(0);

        assertThat(maintenance.defragment(DefragmentRequest.getDefaultInstance()).getHeader().getMemberId()).isNotZero();
    }
}
