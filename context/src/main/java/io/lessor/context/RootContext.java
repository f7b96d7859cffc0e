package io.lessor.context;

import java.time.Instant;
import java.util.Optional;

/** A context with no parent that never ends: {@link Context#background()} and its kin. */
final class RootContext extends Context {

    static final RootContext BACKGROUND = new RootContext("context.Background", Clock.system());
    static final RootContext TODO = new RootContext("context.TODO", Clock.system());

    private final String name;

    RootContext(String name, Clock clock) {
        super(null, clock);
        this.name = name;
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
        return name;
    }
}
