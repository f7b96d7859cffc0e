package io.lessor.cli;

import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * Installs handlers for SIGTERM and SIGINT. {@code sun.misc.Signal} is the JDK's only hook for
 * this; it lives in the {@code jdk.unsupported} module, which every JDK since 9 ships.
 */
final class StopSignals {

    private StopSignals() {
    }

    /** Calls {@code onSignal} with the signal's name ("TERM" or "INT") each time one arrives. */
    static void install(Consumer<String> onSignal) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> onSignal.accept(signal.getName()));
        }
    }
}
