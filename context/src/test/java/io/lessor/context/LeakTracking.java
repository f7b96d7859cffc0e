package io.lessor.context;

/**
 * Pauses the resource tracking that {@link LeakCheck} turns on. Tracking records a stack trace
 * for every context created, at a few microseconds each. A test that creates hundreds of
 * thousands of contexts pauses it for that bulk work and checks their end itself.
 */
final class LeakTracking {

    private LeakTracking() {
    }

    /**
     * Runs {@code work} with tracking off, then turns it back on. Turning it off clears the
     * records of resources tracked before, so the caller must end those resources itself.
     */
    static void paused(Runnable work) {
        Diagnostics.setTracking(false);
        try {
            work.run();
        } finally {
            Diagnostics.setTracking(true);
        }
    }
}
