package io.lessor.server.engine;

/**
 * The facts Maintenance.Status reports.
 *
 * @param dbSizeBytes the size of the storage files on disk
 * @param dbSizeInUseBytes the part of it that holds live data, as far as the storage can tell
 * @param leaderId the member id of the leader (this member on a single node)
 * @param raftIndex the index of the last applied entry
 * @param raftAppliedIndex the same as {@code raftIndex} on a single node
 * @param raftTerm the current term
 */
public record EngineStatus(long dbSizeBytes, long dbSizeInUseBytes, long leaderId, long raftIndex,
        long raftAppliedIndex, long raftTerm) {
}
