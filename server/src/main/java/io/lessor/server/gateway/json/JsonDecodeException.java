package io.lessor.server.gateway.json;

/**
 * A request body that is not valid JSON, or whose JSON does not fit the request message. The
 * message is the one etcd's gateway gives for the same input, which it built from Go's
 * {@code encoding/json} and protobuf's {@code jsonpb}.
 */
public final class JsonDecodeException extends Exception {

    private static final long serialVersionUID = 1L;

    JsonDecodeException(String message) {
        super(message, null, false, false);
    }
}
