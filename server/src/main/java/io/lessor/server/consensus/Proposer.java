package io.lessor.server.consensus;

import io.lessor.server.apply.Command;
import java.util.concurrent.CompletableFuture;

/**
 * Orders mutations: each command it accepts reaches the {@link io.lessor.server.apply.Applier}
 * once, in one order that all members share. A single node orders commands in one
 * writer thread ({@link SingleNodeProposer}); a cluster would order them in a replicated log.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public interface Proposer extends AutoCloseable {

    /**
     * Proposes a command.
     *
     * @return a future completed with the command's response once it is applied and durable, or
     *     failed with an {@link io.lessor.server.EtcdException}: the command's own error,
     *     {@code TOO_MANY_REQUESTS} when too many commands wait, {@code SERVER_STOPPED} once the
     *     proposer is closed
     */
    <R> CompletableFuture<R> propose(Command<R> command);

    /**
     * Stops taking commands, finishes the group being applied, fails the commands still queued
     * with {@code SERVER_STOPPED}, and waits for the writer to exit.
     */
    @Override
    void close();
}
