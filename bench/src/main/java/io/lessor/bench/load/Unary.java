package io.lessor.bench.load;

import io.grpc.stub.StreamObserver;
import java.util.function.Consumer;

/**
 * Reports the outcome of one unary call to a {@link ClosedLoop.Outcome}, after an optional check
 * of the response. A check that throws {@link UnexpectedResponseException} turns the call into
 * a failure.
 */
final class Unary<T> implements StreamObserver<T> {

    private final ClosedLoop.Outcome outcome;
    private final Consumer<? super T> check;
    private RuntimeException rejected;

    private Unary(ClosedLoop.Outcome outcome, Consumer<? super T> check) {
        this.outcome = outcome;
        this.check = check;
    }

    /** Reports success for any response. */
    static <T> Unary<T> of(ClosedLoop.Outcome outcome) {
        return new Unary<>(outcome, response -> {
        });
    }

    /** Reports success if {@code check} accepts the response without throwing. */
    static <T> Unary<T> checking(ClosedLoop.Outcome outcome, Consumer<? super T> check) {
        return new Unary<>(outcome, check);
    }

    @Override
    public void onNext(T response) {
        try {
            check.accept(response);
        } catch (RuntimeException e) {
            rejected = e;
        }
    }

    @Override
    public void onError(Throwable error) {
        outcome.failed(error);
    }

    @Override
    public void onCompleted() {
        if (rejected != null) {
            outcome.failed(rejected);
        } else {
            outcome.succeeded();
        }
    }
}
