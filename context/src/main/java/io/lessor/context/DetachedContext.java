package io.lessor.context;

import java.time.Instant;
import java.util.Optional;

/** {@link Context#withoutCancel()}: the parent's values, without its end or deadline. */
final class DetachedContext extends Context {

    DetachedContext(Context parent) {
        super(parent, parent.clock);
    }

    @Override
    public Optional<Instant> deadline() {
        return Optional.empty();
    }

    @Override
    public Done done() {
        return NeverDone.INSTANCE;
    }

    @Override
    public Reason reason() {
        return null;
    }

    @Override
    public Throwable cause() {
        return null;
    }

    @Override
    CancelableContext cancelNode() {
        return null;
    }

    @Override
    Outcome outcome() {
        return null;
    }

    @Override
    String label() {
        return "WithoutCancel";
    }
}
