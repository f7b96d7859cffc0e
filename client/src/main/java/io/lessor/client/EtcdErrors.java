package io.lessor.client;

import io.grpc.Status;

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
            default -> new EtcdException(code, message, cause);
        };
    }
}
