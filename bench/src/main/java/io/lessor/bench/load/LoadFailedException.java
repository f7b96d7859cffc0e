package io.lessor.bench.load;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A run that could not be completed: no endpoint responded, a setup step failed, or the expiry
 * storm left keys behind. The message names what failed and what to check.
 */
final class LoadFailedException extends Exception {

    LoadFailedException(String message) {
        super(message);
    }

    LoadFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Returns a gRPC failure in one line: its code, its description and the message of its
     * deepest cause, such as "UNAVAILABLE: io exception (Connection refused)". The status's own
     * text would include the cause's stack trace.
     */
    static String describe(StatusRuntimeException failure) {
        Status status = failure.getStatus();
        StringBuilder line = new StringBuilder(status.getCode().name());
        if (status.getDescription() != null) {
            line.append(": ").append(status.getDescription());
        }
        Throwable root = status.getCause();
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != null && root.getMessage() != null) {
            line.append(" (").append(root.getMessage().lines().findFirst().orElse("")).append(')');
        }
        return line.toString();
    }
}
