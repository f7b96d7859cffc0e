package io.lessor.client;

import io.grpc.Status;
import java.nio.channels.ClosedChannelException;

/**
 * Maps a gRPC status to the client's exception for it. etcd's errors are distinguished by code
 * and exact message text, as etcd's own Go client does, because several share a code.
 */
final class EtcdErrors {

    private EtcdErrors() {
    }

    static EtcdException map(Status.Code code, String message, Throwable cause) {
        return switch (code) {
            case NOT_FOUND -> message.equals(LeaseNotFoundException.MESSAGE)
                    ? new LeaseNotFoundException(message, cause)
                    : new EtcdException(code, message, cause);
            case FAILED_PRECONDITION -> message.equals(LeaseExistsException.MESSAGE)
                    ? new LeaseExistsException(message, cause)
                    : new EtcdException(code, message, cause);
            case OUT_OF_RANGE -> switch (message) {
                case LeaseTtlTooLargeException.MESSAGE -> new LeaseTtlTooLargeException(message, cause);
                case CompactedRevisionException.MESSAGE -> new CompactedRevisionException(message, cause);
                case FutureRevisionException.MESSAGE -> new FutureRevisionException(message, cause);
                default -> new EtcdException(code, message, cause);
            };
            case INVALID_ARGUMENT -> new InvalidRequestException(message, cause);
            case UNAVAILABLE -> new UnavailableException(message, cause);
            case UNKNOWN -> closedConnection(cause)
                    ? new UnavailableException(message, cause)
                    : new EtcdException(code, message, cause);
            default -> new EtcdException(code, message, cause);
        };
    }

    /**
     * Returns whether {@code cause} comes from a connection that closed while the call ran.
     * grpc-java 1.85 reports that as UNKNOWN "channel closed", but it is a transport failure like
     * UNAVAILABLE, so the request may or may not have reached the server.
     */
    private static boolean closedConnection(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ClosedChannelException) {
                return true;
            }
        }
        return false;
    }
}
