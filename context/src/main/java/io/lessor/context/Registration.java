package io.lessor.context;

/**
 * A handle to a callback that waits for an event, returned by {@link Context#afterFunc(Runnable)}
 * and {@link Done#onFire(Runnable)}. Go's {@code AfterFunc} returns the same thing as its
 * {@code stop} function.
 */
@FunctionalInterface
public interface Registration {

    /**
     * Prevents the callback from running, without waiting for it if it has started.
     *
     * @return {@code true} if this call prevented the run; {@code false} if the callback has
     *     started already or was stopped before. For one registration, exactly one of "the
     *     callback ran" and "a {@code stop()} call returned true" happens.
     */
    boolean stop();
}
