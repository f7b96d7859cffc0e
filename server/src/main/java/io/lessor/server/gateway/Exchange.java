package io.lessor.server.gateway;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpVersion;

/**
 * One request and its response on an HTTP connection. The {@link GatewayHandler} feeds it the
 * request body and moves on to the next request once both {@link #requestDone} and
 * {@link #responseDone} are set.
 *
 * <p>Thread-safety: confined to the connection's event loop.
 */
abstract class Exchange {

    final GatewayHandler handler;
    final HttpVersion version;
    final boolean keepAlive;
    /** Set when the last part of the request body has been handed to {@link #body}. */
    boolean requestDone;
    /** Set through {@link GatewayHandler#responseDone} once the whole response is written. */
    boolean responseDone;

    Exchange(GatewayHandler handler, HttpVersion version, boolean keepAlive) {
        this.handler = handler;
        this.version = version;
        this.keepAlive = keepAlive;
    }

    /** Returns an exchange that responds with {@code response} whatever the body, which it discards. */
    static Exchange fixed(GatewayHandler handler, HttpVersion version, boolean keepAlive, FullHttpResponse response) {
        return new Exchange(handler, version, keepAlive) {
            @Override
            void begin() {
                handler.writeAndFinish(this, response);
            }

            @Override
            void body(HttpContent content, boolean last) {
                // Discarded because the response does not depend on it.
            }
        };
    }

    /** Starts work once the request line and headers are in. */
    void begin() {
    }

    /** Takes a part of the request body. The handler releases it afterwards. */
    abstract void body(HttpContent content, boolean last);

    /** Returns whether the exchange can take more of the body now. */
    boolean wantsBody() {
        return true;
    }

    /** Stops the work in progress because the connection closed. */
    void cancel() {
    }
}
