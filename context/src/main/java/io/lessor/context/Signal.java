package io.lessor.context;

/**
 * A {@link Done} that its owner fires by hand: a close signal, a "started" latch, the end of a
 * stream. In Go this is a channel that is closed once and never sent on.
 *
 * <p>Thread-safety: every method may be called from any thread; {@link #fire()} is idempotent.
 */
public final class Signal extends Done {

    private static final Object FIRED = new Object();

    private Signal() {
    }

    /** Creates an unfired signal. */
    public static Signal create() {
        return new Signal();
    }

    /**
     * Fires this signal and runs its callbacks on the calling thread.
     *
     * @return {@code true} if this call fired it, {@code false} if it had fired before
     */
    public boolean fire() {
        return fire(FIRED);
    }
}
