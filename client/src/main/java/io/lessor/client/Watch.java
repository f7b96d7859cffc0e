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
 * revision after the last one reported, so no change is lost or repeated.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public interface Watch {

    /**
     * Starts watching {@code key} (or the range that {@code options} select) until {@code ctx}
     * ends or the client closes. The request goes out at once; this call does not block.
     */
    Watcher watch(Context ctx, ByteString key, WatchOptions options);
}
