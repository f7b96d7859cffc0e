package io.lessor.server.apply;

import java.util.concurrent.CompletableFuture;

/**
 * A command and the future of the caller that proposed it.
 *
 * @param <R> the response type
 */
public record Proposal<R>(Command<R> command, CompletableFuture<R> future) {

    /** Creates a proposal with a new future. */
    public static <R> Proposal<R> of(Command<R> command) {
        return new Proposal<>(command, new CompletableFuture<>());
    }

    /** Completes the future with {@code result}: a response of type R, or a Throwable. */
    @SuppressWarnings("unchecked")
    void complete(Object result) {
        if (result instanceof Throwable failure) {
            future.completeExceptionally(failure);
        } else {
            future.complete((R) result);
        }
    }
}
