package io.lessor.context;

/**
 * The done signal of a context that can never end, such as {@link Context#background()}; Go
 * returns a nil channel there. Registrations on it are dropped, and its {@link #asStage()} is one
 * shared stage that keeps no callbacks, so waiting on it any number of times keeps no memory.
 */
final class NeverDone extends Done {

    static final NeverDone INSTANCE = new NeverDone();

    private NeverDone() {
    }

    @Override
    boolean canFire() {
        return false;
    }
}
