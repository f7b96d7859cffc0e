package io.lessor.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.MessageLite;
import io.grpc.MethodDescriptor.MethodType;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Checks the parts of the generated code that etcd clients depend on: proto package and
 * service names, gRPC method paths and streaming types, and the encoded bytes of messages.
 * The expected bytes are written out by hand from the protobuf encoding rules, so a changed
 * field number or type in the .proto files fails here.
 */
class EtcdWireContractTest {

  private static String hex(MessageLite message) {
    return HexFormat.of().formatHex(message.toByteArray());
  }

  private static ByteString utf8(String text) {
    return ByteString.copyFromUtf8(text);
  }

  @Test
  void protoPackagesMatchEtcd() {
    assertThat(RpcProto.getDescriptor().getPackage()).isEqualTo("etcdserverpb");
    assertThat(KvProto.getDescriptor().getPackage()).isEqualTo("mvccpb");
    assertThat(AuthProto.getDescriptor().getPackage()).isEqualTo("authpb");

    assertThat(KeyValue.getDescriptor().getFullName()).isEqualTo("mvccpb.KeyValue");
    assertThat(Permission.getDescriptor().getFullName()).isEqualTo("authpb.Permission");
    assertThat(StatusResponse.getDescriptor().getFullName())
        .isEqualTo("etcdserverpb.StatusResponse");
  }

  @Test
  void servicesHaveEveryEtcdMethod() {
    Map<String, List<String>> expected = new LinkedHashMap<>();
    expected.put("KV", List.of("Range", "Put", "DeleteRange", "Txn", "Compact"));
    expected.put("Watch", List.of("Watch"));
    expected.put("Lease",
        List.of("LeaseGrant", "LeaseRevoke", "LeaseKeepAlive", "LeaseTimeToLive", "LeaseLeases"));
    expected.put("Cluster",
        List.of("MemberAdd", "MemberRemove", "MemberUpdate", "MemberList", "MemberPromote"));
    expected.put("Maintenance", List.of("Alarm", "Status", "Defragment", "Hash", "HashKV",
        "Snapshot", "MoveLeader", "Downgrade"));
    expected.put("Auth", List.of("AuthEnable", "AuthDisable", "AuthStatus", "Authenticate",
        "UserAdd", "UserGet", "UserList", "UserDelete", "UserChangePassword", "UserGrantRole",
        "UserRevokeRole", "RoleAdd", "RoleGet", "RoleList", "RoleDelete", "RoleGrantPermission",
        "RoleRevokePermission"));

    List<ServiceDescriptor> services = RpcProto.getDescriptor().getServices();
    assertThat(services).extracting(ServiceDescriptor::getName)
        .containsExactlyElementsOf(expected.keySet());
    for (ServiceDescriptor service : services) {
      assertThat(service.getMethods())
          .as("methods of %s", service.getFullName())
          .extracting(MethodDescriptor::getName)
          .containsExactlyElementsOf(expected.get(service.getName()));
    }
  }

  @Test
  void grpcMethodPathsMatchEtcd() {
    assertThat(LeaseGrpc.getLeaseKeepAliveMethod().getFullMethodName())
        .isEqualTo("etcdserverpb.Lease/LeaseKeepAlive");
    assertThat(LeaseGrpc.getLeaseLeasesMethod().getFullMethodName())
        .isEqualTo("etcdserverpb.Lease/LeaseLeases");
    assertThat(KVGrpc.getRangeMethod().getFullMethodName()).isEqualTo("etcdserverpb.KV/Range");
    assertThat(WatchGrpc.getWatchMethod().getFullMethodName())
        .isEqualTo("etcdserverpb.Watch/Watch");
    assertThat(MaintenanceGrpc.getStatusMethod().getFullMethodName())
        .isEqualTo("etcdserverpb.Maintenance/Status");
    assertThat(MaintenanceGrpc.getAlarmMethod().getFullMethodName())
        .isEqualTo("etcdserverpb.Maintenance/Alarm");
    assertThat(ClusterGrpc.getMemberListMethod().getFullMethodName())
        .isEqualTo("etcdserverpb.Cluster/MemberList");
    assertThat(AuthGrpc.getUserAddMethod().getFullMethodName())
        .isEqualTo("etcdserverpb.Auth/UserAdd");
  }

  @Test
  void grpcMethodStreamingTypes() {
    assertThat(LeaseGrpc.getLeaseKeepAliveMethod().getType()).isEqualTo(MethodType.BIDI_STREAMING);
    assertThat(WatchGrpc.getWatchMethod().getType()).isEqualTo(MethodType.BIDI_STREAMING);
    assertThat(MaintenanceGrpc.getSnapshotMethod().getType())
        .isEqualTo(MethodType.SERVER_STREAMING);
    assertThat(LeaseGrpc.getLeaseGrantMethod().getType()).isEqualTo(MethodType.UNARY);
    assertThat(LeaseGrpc.getLeaseLeasesMethod().getType()).isEqualTo(MethodType.UNARY);
    assertThat(KVGrpc.getRangeMethod().getType()).isEqualTo(MethodType.UNARY);
    assertThat(KVGrpc.getTxnMethod().getType()).isEqualTo(MethodType.UNARY);
    assertThat(MaintenanceGrpc.getStatusMethod().getType()).isEqualTo(MethodType.UNARY);
  }

  @Test
  void leaseMessagesEncoding() {
    // TTL is field 1 with varint 10, and ID is field 2 with varint 4660 (b4 24).
    LeaseGrantRequest grant = LeaseGrantRequest.newBuilder().setTTL(10).setID(0x1234).build();
    assertThat(hex(grant)).isEqualTo("080a" + "10b424");

    // IDs are int64, not sint64, so a negative ID takes ten varint bytes.
    LeaseRevokeRequest revoke = LeaseRevokeRequest.newBuilder().setID(-7).build();
    assertThat(hex(revoke)).isEqualTo("08" + "f9ffffffffffffffff01");

    LeaseTimeToLiveResponse timeToLive = LeaseTimeToLiveResponse.newBuilder()
        .setID(1).setTTL(-1).setGrantedTTL(5).addKeys(utf8("k")).build();
    assertThat(hex(timeToLive))
        .isEqualTo("1001" + "18ffffffffffffffffff01" + "2005" + "2a016b");

    LeaseLeasesResponse leases = LeaseLeasesResponse.newBuilder()
        .setHeader(ResponseHeader.newBuilder().setRevision(3))
        .addLeases(LeaseStatus.newBuilder().setID(2))
        .build();
    assertThat(hex(leases)).isEqualTo("0a021803" + "12020802");
  }

  @Test
  void putRequestEncoding() {
    PutRequest put = PutRequest.newBuilder()
        .setKey(utf8("k"))
        .setValue(utf8("v"))
        .setLease(5)
        .setPrevKv(true)
        .setIgnoreLease(true)
        .build();

    assertThat(hex(put)).isEqualTo("0a016b" + "120176" + "1805" + "2001" + "3001");
  }

  @Test
  void watchRequestEncoding() {
    WatchRequest create = WatchRequest.newBuilder()
        .setCreateRequest(WatchCreateRequest.newBuilder()
            .setKey(utf8("a"))
            .setProgressNotify(true)
            .setPrevKv(true)
            .setWatchId(7)
            .setFragment(true))
        .build();
    assertThat(hex(create)).isEqualTo("0a0b" + "0a0161" + "2001" + "3001" + "3807" + "4001");

    WatchRequest cancel = WatchRequest.newBuilder()
        .setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(7))
        .build();
    assertThat(hex(cancel)).isEqualTo("1202" + "0807");

    WatchRequest progress = WatchRequest.newBuilder()
        .setProgressRequest(WatchProgressRequest.getDefaultInstance())
        .build();
    assertThat(hex(progress)).isEqualTo("1a00");
  }

  @Test
  void watchResponseEncoding() {
    WatchResponse response = WatchResponse.newBuilder()
        .setWatchId(1)
        .setFragment(true)
        .addEvents(Event.newBuilder()
            .setType(Event.EventType.DELETE)
            .setKv(KeyValue.newBuilder().setKey(utf8("a")).setLease(9)))
        .build();

    // Events are field 11, so their tag is (11 << 3) | 2 = 0x5a.
    assertThat(hex(response)).isEqualTo("1001" + "3801" + "5a09" + "0801" + "1205" + "0a0161" + "3009");
  }

  @Test
  void txnCompareEncoding() {
    Compare compare = Compare.newBuilder()
        .setResult(Compare.CompareResult.NOT_EQUAL)
        .setTarget(Compare.CompareTarget.LEASE)
        .setKey(utf8("k"))
        .setLease(4)
        .setRangeEnd(utf8("l"))
        .build();

    // range_end is field 64, so its tag (64 << 3) | 2 = 514 takes two varint bytes.
    assertThat(hex(compare))
        .isEqualTo("0803" + "1004" + "1a016b" + "4004" + "8204016c");
  }

  @Test
  void compareTargetsMatchEtcd() {
    assertThat(Compare.CompareTarget.VERSION.getNumber()).isEqualTo(0);
    assertThat(Compare.CompareTarget.CREATE.getNumber()).isEqualTo(1);
    assertThat(Compare.CompareTarget.MOD.getNumber()).isEqualTo(2);
    assertThat(Compare.CompareTarget.VALUE.getNumber()).isEqualTo(3);
    assertThat(Compare.CompareTarget.LEASE.getNumber()).isEqualTo(4);

    Map<String, Integer> operandNumbers = fieldNumbers(Compare.getDescriptor());
    assertThat(operandNumbers).containsEntry("version", 4)
        .containsEntry("create_revision", 5)
        .containsEntry("mod_revision", 6)
        .containsEntry("value", 7)
        .containsEntry("lease", 8)
        .containsEntry("range_end", 64);
  }

  @Test
  void statusResponseEncoding() {
    StatusResponse status = StatusResponse.newBuilder()
        .setIsLearner(true)
        .setDbSizeInUse(2)
        .setStorageVersion("3.6")
        .setDbSizeQuota(1)
        .setDowngradeInfo(DowngradeInfo.newBuilder().setEnabled(true))
        .build();

    assertThat(hex(status))
        .isEqualTo("4802" + "5001" + "5a03332e36" + "6001" + "6a020801");
  }

  @Test
  void statusResponseFieldNumbers() {
    Map<String, Integer> numbers = fieldNumbers(StatusResponse.getDescriptor());

    assertThat(numbers).isEqualTo(Map.ofEntries(
        Map.entry("header", 1),
        Map.entry("version", 2),
        Map.entry("dbSize", 3),
        Map.entry("leader", 4),
        Map.entry("raftIndex", 5),
        Map.entry("raftTerm", 6),
        Map.entry("raftAppliedIndex", 7),
        Map.entry("errors", 8),
        Map.entry("dbSizeInUse", 9),
        Map.entry("isLearner", 10),
        Map.entry("storageVersion", 11),
        Map.entry("dbSizeQuota", 12),
        Map.entry("downgradeInfo", 13)));
  }

  private static Map<String, Integer> fieldNumbers(Descriptor message) {
    Map<String, Integer> numbers = new LinkedHashMap<>();
    for (FieldDescriptor field : message.getFields()) {
      numbers.put(field.getName(), field.getNumber());
    }
    return numbers;
  }
}
