package io.lessor.bench.load;

/** A command line that cannot be run; its message says which argument is wrong and why. */
final class UsageException extends Exception {

    UsageException(String message) {
        super(message);
    }
}
