package io.lessor.server.gateway;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.lessor.api.AuthGrpc;
import io.lessor.api.ClusterGrpc;
import io.lessor.api.KVGrpc;
import io.lessor.api.LeaseGrpc;
import io.lessor.api.MaintenanceGrpc;
import io.lessor.api.WatchGrpc;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One path of etcd's HTTP/JSON gateway and the gRPC method it calls. The table is etcd 3.4's:
 * every {@code POST /v3/...} path that its {@code rpc.proto} maps to a method, including the
 * older {@code /v3/kv/lease/...} aliases of the lease calls.
 *
 * @param path the request path, such as {@code /v3/kv/range}
 * @param method the gRPC method the request becomes
 */
record GatewayRoute(String path, MethodDescriptor<Message, Message> method) {

    private static final Map<String, GatewayRoute> BY_PATH = table();

    /** Returns the route for {@code path}, or {@code null}. */
    static GatewayRoute find(String path) {
        return BY_PATH.get(path);
    }

    /** Returns whether the client sends a stream of requests or the server a stream of responses. */
    boolean streaming() {
        return method.getType() != MethodDescriptor.MethodType.UNARY;
    }

    /** Returns whether the client sends a stream of requests. */
    boolean clientStreaming() {
        return method.getType() == MethodDescriptor.MethodType.BIDI_STREAMING
                || method.getType() == MethodDescriptor.MethodType.CLIENT_STREAMING;
    }

    /** Returns the empty request message of this route's method. */
    Message requestPrototype() {
        return (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller()).getMessagePrototype();
    }

    private static Map<String, GatewayRoute> table() {
        Map<String, GatewayRoute> routes = new HashMap<>();
        add(routes, KVGrpc.getRangeMethod(), "/v3/kv/range");
        add(routes, KVGrpc.getPutMethod(), "/v3/kv/put");
        add(routes, KVGrpc.getDeleteRangeMethod(), "/v3/kv/deleterange");
        add(routes, KVGrpc.getTxnMethod(), "/v3/kv/txn");
        add(routes, KVGrpc.getCompactMethod(), "/v3/kv/compaction");

        add(routes, WatchGrpc.getWatchMethod(), "/v3/watch");

        add(routes, LeaseGrpc.getLeaseGrantMethod(), "/v3/lease/grant");
        add(routes, LeaseGrpc.getLeaseRevokeMethod(), "/v3/lease/revoke", "/v3/kv/lease/revoke");
        add(routes, LeaseGrpc.getLeaseKeepAliveMethod(), "/v3/lease/keepalive");
        add(routes, LeaseGrpc.getLeaseTimeToLiveMethod(), "/v3/lease/timetolive", "/v3/kv/lease/timetolive");
        add(routes, LeaseGrpc.getLeaseLeasesMethod(), "/v3/lease/leases", "/v3/kv/lease/leases");

        add(routes, ClusterGrpc.getMemberAddMethod(), "/v3/cluster/member/add");
        add(routes, ClusterGrpc.getMemberRemoveMethod(), "/v3/cluster/member/remove");
        add(routes, ClusterGrpc.getMemberUpdateMethod(), "/v3/cluster/member/update");
        add(routes, ClusterGrpc.getMemberListMethod(), "/v3/cluster/member/list");
        add(routes, ClusterGrpc.getMemberPromoteMethod(), "/v3/cluster/member/promote");

        add(routes, MaintenanceGrpc.getAlarmMethod(), "/v3/maintenance/alarm");
        add(routes, MaintenanceGrpc.getStatusMethod(), "/v3/maintenance/status");
        add(routes, MaintenanceGrpc.getDefragmentMethod(), "/v3/maintenance/defragment");
        // etcd 3.4 maps HashKV to this path too, but Hash was registered first and is what it serves.
        add(routes, MaintenanceGrpc.getHashMethod(), "/v3/maintenance/hash");
        add(routes, MaintenanceGrpc.getSnapshotMethod(), "/v3/maintenance/snapshot");
        add(routes, MaintenanceGrpc.getMoveLeaderMethod(), "/v3/maintenance/transfer-leadership");

        add(routes, AuthGrpc.getAuthEnableMethod(), "/v3/auth/enable");
        add(routes, AuthGrpc.getAuthDisableMethod(), "/v3/auth/disable");
        add(routes, AuthGrpc.getAuthenticateMethod(), "/v3/auth/authenticate");
        add(routes, AuthGrpc.getUserAddMethod(), "/v3/auth/user/add");
        add(routes, AuthGrpc.getUserGetMethod(), "/v3/auth/user/get");
        add(routes, AuthGrpc.getUserListMethod(), "/v3/auth/user/list");
        add(routes, AuthGrpc.getUserDeleteMethod(), "/v3/auth/user/delete");
        add(routes, AuthGrpc.getUserChangePasswordMethod(), "/v3/auth/user/changepw");
        add(routes, AuthGrpc.getUserGrantRoleMethod(), "/v3/auth/user/grant");
        add(routes, AuthGrpc.getUserRevokeRoleMethod(), "/v3/auth/user/revoke");
        add(routes, AuthGrpc.getRoleAddMethod(), "/v3/auth/role/add");
        add(routes, AuthGrpc.getRoleGetMethod(), "/v3/auth/role/get");
        add(routes, AuthGrpc.getRoleListMethod(), "/v3/auth/role/list");
        add(routes, AuthGrpc.getRoleDeleteMethod(), "/v3/auth/role/delete");
        add(routes, AuthGrpc.getRoleGrantPermissionMethod(), "/v3/auth/role/grant");
        add(routes, AuthGrpc.getRoleRevokePermissionMethod(), "/v3/auth/role/revoke");
        return Map.copyOf(routes);
    }

    @SuppressWarnings("unchecked")
    private static void add(Map<String, GatewayRoute> routes, MethodDescriptor<?, ?> method, String... paths) {
        for (String path : List.of(paths)) {
            routes.put(path, new GatewayRoute(path, (MethodDescriptor<Message, Message>) method));
        }
    }
}
