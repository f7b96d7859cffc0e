package io.lessor.context;

import java.time.Instant;
import java.util.Optional;

/** {@link Context#with(Key, Object)}: one key-value binding; everything else is the parent's. */
final class ValueContext extends Context {

    final Key<?> key;
    final Object value;
    /** The parent's nearest cancelable context, cached so that done() and reason() take one hop. */
    private final CancelableContext node;

    ValueContext(Context parent, Key<?> key, Object value) {
        super(parent, parent.clock);
        this.key = key;
        this.value = value;
        this.node = parent.cancelNode();
    }

    @Override
    public Optional<Instant> deadline() {
        return node == null ? Optional.empty() : node.deadline();
    }

    @Override
    public Done done() {
        return node == null ? NeverDone.INSTANCE : node.done();
    }

    @Override
    public Reason reason() {
        return node == null ? null : node.reason();
    }

    @Override
    public Throwable cause() {
        return node == null ? null : node.cause();
    }

    @Override
    CancelableContext cancelNode() {
        return node;
    }

    @Override
    Outcome outcome() {
        return node == null ? null : node.outcome();
    }

    @Override
    String label() {
        return "WithValue(" + key.name() + ")";
    }
}
