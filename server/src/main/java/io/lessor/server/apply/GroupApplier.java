package io.lessor.server.apply;

import java.util.List;

/**
 * Applies a group of proposals in order and completes their futures; what a proposer hands its
 * ordered commands to. {@link Applier} is the real one.
 */
@FunctionalInterface
public interface GroupApplier {

    /**
     * Applies {@code group} in order, makes it durable, and completes every proposal's future.
     *
     * @throws RuntimeException if the group could not be made durable; the futures may then be
     *     left incomplete, and the caller must fail them and stop
     */
    void applyGroup(List<Proposal<?>> group);
}
