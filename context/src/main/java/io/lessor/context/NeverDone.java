package io.lessor.context;

/**
 * The done signal of a context that can never end, such as {@link Context#background()}; Go
 * returns a nil channel there. Registrations on it are dropped, so waiting on it any number of
 * times keeps no memory.
 */
final class NeverDone extends Done {

    static final NeverDone INSTANCE = new NeverDone();

    private NeverDone() {
    }

    @Override
    boolean accepts(Listener listener) {
        return false;
    }
}
