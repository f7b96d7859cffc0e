package io.lessor.bench.load;

import java.time.Duration;

/** When a stream of requests ends: after a number of requests, or after a time. */
sealed interface RunLimit {

    /** Ends after {@code requests} requests have been sent. */
    record Total(long requests) implements RunLimit {
        public Total {
            if (requests < 1) {
                throw new IllegalArgumentException("requests must be positive, got " + requests);
            }
        }

        @Override
        public String toString() {
            return requests + " requests";
        }
    }

    /** Sends requests until {@code duration} has passed since the first one. */
    record Timed(Duration duration) implements RunLimit {
        public Timed {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("duration must be positive, got " + duration);
            }
        }

        @Override
        public String toString() {
            return Durations.format(duration);
        }
    }
}
