package io.lessor.bench.load;

/**
 * A response that the server sent without error but that does not match the request, such as a
 * range that returns no key, or a keep-alive for a lease that no longer exists. The run counts
 * it as a failed request.
 */
final class UnexpectedResponseException extends RuntimeException {

    /** The kind under which reports count these failures. */
    static final String KIND = "UNEXPECTED_RESPONSE";

    UnexpectedResponseException(String message) {
        super(message, null, false, false);
    }
}
