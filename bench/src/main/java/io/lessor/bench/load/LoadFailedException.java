package io.lessor.bench.load;

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
}
