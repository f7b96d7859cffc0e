package io.lessor.server.engine;

import io.lessor.server.storage.MetaKey;
import io.lessor.server.storage.Storage;
import io.lessor.server.storage.StorageBatch;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The ids and term of this member: the cluster and member ids, fixed when the data directory is
 * created, and the term, which rises by one on every start as etcd's raft term rises with each
 * election.
 *
 * <p>The ids are the first 8 bytes of SHA-256 hashes: the member id of the member name and the
 * cluster token, the cluster id of the token and the member id. So the same name and token give
 * the same ids, even in a new data directory, as etcd's ids stay the same for the same name,
 * peer URLs and token. The values themselves differ from etcd's.
 *
 * @param clusterId the cluster id, an unsigned 64-bit value
 * @param memberId the member id, an unsigned 64-bit value
 * @param term the term of this start, from 1
 */
record MemberIdentity(long clusterId, long memberId, long term) {

    /** Loads the ids from storage, or derives them for a new store, and starts the next term; syncs it. */
    static MemberIdentity startTerm(Storage storage, String name, String clusterToken) {
        long memberId = storage.getMeta(MetaKey.MEMBER_ID).orElseGet(() -> hash("member", name, clusterToken));
        long clusterId = storage.getMeta(MetaKey.CLUSTER_ID)
                .orElseGet(() -> hash("cluster", clusterToken, Long.toHexString(memberId)));
        long term = storage.getMeta(MetaKey.TERM).orElse(0) + 1;
        try (StorageBatch batch = storage.newBatch()) {
            batch.putMeta(MetaKey.MEMBER_ID, memberId);
            batch.putMeta(MetaKey.CLUSTER_ID, clusterId);
            batch.putMeta(MetaKey.TERM, term);
            storage.commit(batch);
        }
        return new MemberIdentity(clusterId, memberId, term);
    }

    private static long hash(String kind, String first, String second) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
        for (String part : new String[] {kind, first, second}) {
            sha.update(part.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        byte[] digest = sha.digest();
        long id = 0;
        for (int i = 0; i < 8; i++) {
            id = (id << 8) | (digest[i] & 0xff);
        }
        // etcd never uses 0 as an id.
        return id == 0 ? 1 : id;
    }
}
