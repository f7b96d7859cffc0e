package io.lessor.server.watch;

import io.lessor.api.WatchResponse;

/**
 * The sending side of one client's Watch stream, as a {@link WatchStream} uses it: gRPC's
 * flow-control state and its send and end calls. A {@link WatchStream} calls it from its own
 * worker thread only, one call at a time.
 */
public interface WatchOutbound {

    /**
     * Returns whether the transport takes another message without buffering it; when this turns
     * {@code true} again, the owner calls {@link WatchStream#wakeUp()}.
     */
    boolean isReady();

    /** Sends {@code response}; returns {@code false} if the stream has ended. */
    boolean send(WatchResponse response);

    /** Ends the stream with the gRPC status for {@code failure}. */
    void fail(Throwable failure);
}
