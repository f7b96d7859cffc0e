package io.lessor.context;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A callback registered by {@link Context#afterFunc(Runnable)}: it starts the action on a new
 * virtual thread when the context ends, unless {@link #stop()} got there first. One
 * compare-and-set on {@link #state} decides between the two, so exactly one of them happens.
 */
final class AfterFunc extends Done.Listener implements Registration {

    private static final int PENDING = 0;
    private static final int STARTED = 1;
    private static final int STOPPED = 2;

    private final Runnable action;
    private final Context context;
    private final Done signal;
    private final AtomicInteger state = new AtomicInteger(PENDING);

    AfterFunc(Runnable action, Context context, Done signal) {
        this.action = action;
        this.context = context;
        this.signal = signal;
    }

    @Override
    void fired() {
        if (state.compareAndSet(PENDING, STARTED)) {
            TaskThread.start("afterFunc(" + context + ")", action);
        }
    }

    @Override
    public boolean stop() {
        if (!state.compareAndSet(PENDING, STOPPED)) {
            return false;
        }
        signal.unregister(this);
        return true;
    }
}
