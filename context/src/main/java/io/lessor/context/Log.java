package io.lessor.context;

import java.lang.System.Logger.Level;

/**
 * The library's few log lines, through {@link System.Logger} so that the library has no
 * dependency and the application's logging backend receives them.
 */
final class Log {

    private static final System.Logger LOGGER = System.getLogger("io.lessor.context");

    private Log() {
    }

    static void callbackFailed(Object callback, Throwable failure) {
        LOGGER.log(Level.WARNING, "context: callback " + callback + " failed; later callbacks still run", failure);
    }

    static void taskFailed(String taskName, Throwable failure) {
        LOGGER.log(Level.WARNING, "context: task " + taskName + " failed", failure);
    }

    static void workerNotStopped(String workerName, long waitedMillis) {
        LOGGER.log(Level.WARNING, "context: worker " + workerName + " still running " + waitedMillis
                + " ms after it was asked to stop");
    }
}
