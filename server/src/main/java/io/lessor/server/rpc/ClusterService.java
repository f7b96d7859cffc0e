package io.lessor.server.rpc;

import io.grpc.stub.StreamObserver;
import io.lessor.api.ClusterGrpc;
import io.lessor.api.Member;
import io.lessor.api.MemberListRequest;
import io.lessor.api.MemberListResponse;
import io.lessor.api.ResponseHeader;
import io.lessor.server.engine.Engine;
import java.util.List;

/**
 * etcd's Cluster service for a single member: MemberList reports this member with its
 * advertised client URLs. Changing membership returns UNIMPLEMENTED.
 */
final class ClusterService extends ClusterGrpc.ClusterImplBase {

    private final Engine engine;
    private final String name;
    private final List<String> clientUrls;
    private final List<String> peerUrls;

    ClusterService(Engine engine, String name, List<String> clientUrls, List<String> peerUrls) {
        this.engine = engine;
        this.name = name;
        this.clientUrls = clientUrls;
        this.peerUrls = peerUrls;
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> observer) {
        // etcd serves MemberList from the cluster's membership, not the store, so its header
        // carries no revision.
        ResponseHeader header = engine.header().toBuilder().clearRevision().build();
        Member self = Member.newBuilder()
                .setID(header.getMemberId())
                .setName(name)
                .addAllPeerURLs(peerUrls)
                .addAllClientURLs(clientUrls)
                .build();
        observer.onNext(MemberListResponse.newBuilder().setHeader(header).addMembers(self).build());
        observer.onCompleted();
    }
}
