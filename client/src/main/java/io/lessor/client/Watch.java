package io.lessor.client;

import com.google.protobuf.ByteString;
import io.lessor.context.Context;

/**
 * etcd's Watch API: a stream of the changes to a key or a range of keys.
 *
 * <pre>{@code
 * try (CancelableContext ctx = Context.background().withCancel()) {
 *     Watcher watcher = client.watch().watch(ctx, key, WatchOptions.DEFAULT);
 *     WatchResponse changes = watcher.next();   // blocks until a change arrives
 * }
 * }</pre>
 *
 * <p>Each watch has a gRPC stream of its own, as jetcd's watches do. A stream that breaks with a
 * retryable error (such as {@code UNAVAILABLE} while a server restarts) is opened again from the
 * revision after the last one reported, so no change is lost or repeated; {@link Watcher}
 * describes reading, back-pressure and how a watch ends.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public interface Watch {

    /**
     * Starts watching {@code key} (or the range that {@code options} select) until {@code ctx}
     * ends, the server cancels the watch, or the client closes. The request goes out at once;
     * this call does not block and does not throw for the server's state: a watch that the
     * server rejects ends with {@link WatchEnd.Reason#CANCELED_BY_SERVER} or
     * {@link WatchEnd.Reason#COMPACTED}, and on a closed client the watch returned has ended
     * already.
     */
    Watcher watch(Context ctx, ByteString key, WatchOptions options);
}
