package io.lessor.examples;

/**
 * An invalid command line: an unknown example or option, a missing value, or a value out of
 * range. {@link Main} prints the message and the usage, and exits with status 2.
 */
final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
