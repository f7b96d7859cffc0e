package io.lessor.bench.load;

import io.grpc.StatusRuntimeException;
import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code expiry-storm} workload: many leases with keys, all expiring within about a second,
 * while other clients keep putting.
 *
 * <ol>
 *   <li>Grant {@code --leases} leases with {@code --ttl}, and put {@code --keys-per-lease} keys
 *       on each, under {@code PREFIX/storm/}. Meanwhile a renewer sends a keep-alive for every
 *       lease granted so far once per third of the TTL, so no lease expires during a long setup.
 *   <li>Stop the renewer, then renew every lease once more, all at once over the KeepAlive
 *       streams. A keep-alive restarts the lease's full TTL, so the leases now expire within
 *       the spread of this final pass instead of the spread of the grants.
 *   <li>Start {@code --clients} putters under {@code PREFIX/load/}. Their latencies count from
 *       the earliest possible expiry, the final pass's first send plus the TTL.
 *   <li>From then on, poll a count-only range of the storm prefix every 20 ms until it returns
 *       0, or until {@code --timeout} after the TTL end, which fails the run.
 * </ol>
 *
 * The TTL end is the last response of the final pass plus the TTL: by then every lease's TTL
 * has run out. The main result is how long after the TTL end the last key is deleted, as read
 * from the response of the poll that counted 0.
 */
final class ExpiryStorm {

    static final Duration POLL_INTERVAL = Duration.ofMillis(20);

    /** The puts of the concurrent load cycle over this many keys. */
    private static final long LOAD_KEY_SPACE = LoadOptions.DEFAULT_KEY_SPACE;

    /** At most this many keep-alives of one renewal pass are in flight at once. */
    private static final int RENEWALS_IN_FLIGHT = 10_000;

    private ExpiryStorm() {
    }

    static Report run(LoadRun run) throws InterruptedException, LoadFailedException {
        LoadOptions options = run.options();
        RunKeys stormKeys = run.keys().child("storm");
        RunKeys loadKeys = run.keys().child("load");
        int leaseCount = options.leases();
        long keyCount = (long) leaseCount * options.keysPerLease();
        Duration ttl = Duration.ofSeconds(options.ttlSeconds());
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("leases", leaseCount);
        extras.put("keys", keyCount);

        // Steps 1 and 2: set up under the renewer, then renew every lease at once.
        AtomicLongArray leases = new AtomicLongArray(leaseCount);
        long setupStartNanos = System.nanoTime();
        long passStartNanos;
        long passEndNanos;
        try (KeepAliveStreams streams = KeepAliveStreams.open(run.connections(), options.streams())) {
            try (Renewer renewer = Renewer.start(run, streams, leases, ttl)) {
                LeasePool.grantInto(run, leases, options.ttlSeconds());
                extras.put("grant seconds", (System.nanoTime() - setupStartNanos) / 1e9);
                long putStartNanos = System.nanoTime();
                putKeys(run, stormKeys, leases, options.keysPerLease());
                extras.put("put seconds", (System.nanoTime() - putStartNanos) / 1e9);
                renewer.stop();
            }
            long present = count(run, stormKeys);
            if (present != keyCount) {
                throw new LoadFailedException(String.format(
                        "%,d of %,d storm keys exist after the setup; a lease may have expired early", present, keyCount));
            }
            run.say(String.format("renewing all %,d leases at once", leaseCount));
            ClosedLoop pass = renewPass(run, streams, snapshot(leases));
            ClosedLoop.Result finalPass = pass.await();
            if (finalPass.failed() > 0 || finalPass.abandoned() > 0) {
                throw new LoadFailedException(String.format("%,d keep-alives of the final renewal pass failed",
                        finalPass.failed() + finalPass.abandoned()));
            }
            passStartNanos = pass.startNanos();
            passEndNanos = passStartNanos + finalPass.elapsedNanos();
        }
        long earliestEndNanos = passStartNanos + ttl.toNanos();
        long ttlEndNanos = passEndNanos + ttl.toNanos();
        extras.put("final renewal spread ms", (passEndNanos - passStartNanos) / 1e6);

        // Step 3: the concurrent put load, timed from the earliest expiry on.
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.recordFrom(earliestEndNanos);
        ClosedLoop load = run.stream("concurrent puts", options.clients(), client -> (sequence, outcome) ->
                run.connections().kv(client).put(PutRequest.newBuilder()
                        .setKey(loadKeys.key(sequence % LOAD_KEY_SPACE))
                        .setValue(run.value())
                        .build(), Unary.<PutResponse>of(outcome)), null, recorder);

        // Step 4: poll until the storm keys are deleted.
        ExpiryTimes expiry;
        try {
            expiry = awaitKeysDeleted(run, stormKeys, keyCount, earliestEndNanos, ttlEndNanos, load);
        } finally {
            load.stop();
        }
        ClosedLoop.Result loadResult = load.await();
        run.progress().hide();

        long windowNanos = loadResult.elapsedNanos() - (earliestEndNanos - load.startNanos());
        ClosedLoop.Result window = new ClosedLoop.Result(loadResult.succeeded() - recorder.skipped(),
                loadResult.failed(), Math.max(windowNanos, 0), loadResult.stoppedByErrors(), loadResult.abandoned());
        if (expiry.firstNanos != 0) {
            extras.put("first key gone after TTL end s", (expiry.firstNanos - ttlEndNanos) / 1e9);
        }
        extras.put("all keys gone after TTL end s", expiry.allNanos == 0 ? null : (expiry.allNanos - ttlEndNanos) / 1e9);
        if (expiry.allNanos != 0) {
            extras.put("keys gone per second", keyCount / Math.max((expiry.allNanos - earliestEndNanos) / 1e9, 1e-3));
        }
        extras.put("keys left", expiry.left);
        extras.put("count polls", expiry.polls);
        Report report = Report.of(run, new LoadRun.Measured(window, recorder), extras);
        if (expiry.left > 0) {
            return report.failedBecause(String.format("%,d of %,d keys were still there %s after the TTL end "
                    + "(--timeout)", expiry.left, keyCount, Durations.format(options.stormTimeout())));
        }
        return report;
    }

    /** Puts {@code keysPerLease} keys on each lease, key {@code j} on lease {@code j / keysPerLease}. */
    private static void putKeys(LoadRun run, RunKeys keys, AtomicLongArray leases, int keysPerLease)
            throws InterruptedException, LoadFailedException {
        long keyCount = (long) leases.length() * keysPerLease;
        run.say(String.format("putting %,d keys under %s", keyCount, keys));
        ClosedLoop.Result result = run.stream("putting storm keys", (int) Math.min(run.options().clients(), keyCount),
                client -> (sequence, outcome) -> run.connections().kv(client).put(PutRequest.newBuilder()
                        .setKey(keys.key(sequence))
                        .setValue(run.value())
                        .setLease(leases.get((int) (sequence / keysPerLease)))
                        .build(), Unary.<PutResponse>of(outcome)),
                new RunLimit.Total(keyCount), new LatencyRecorder()).await();
        run.progress().hide();
        if (result.failed() > 0 || result.abandoned() > 0) {
            throw new LoadFailedException(String.format("%,d of %,d storm key puts failed",
                    result.failed() + result.abandoned(), keyCount));
        }
    }

    /**
     * Result of the count polls: when the first and the last key were found deleted, as
     * {@link System#nanoTime()} values or 0 for never, and the keys left at the last poll.
     */
    private record ExpiryTimes(long firstNanos, long allNanos, long left, long polls) {
    }

    private static ExpiryTimes awaitKeysDeleted(LoadRun run, RunKeys keys, long keyCount, long earliestEndNanos, long ttlEndNanos,
            ClosedLoop load) throws InterruptedException, LoadFailedException {
        long giveUpNanos = ttlEndNanos + run.options().stormTimeout().toNanos();
        long[] left = {keyCount};
        run.say(String.format("waiting for the TTL to end; the keys must be deleted within %s after it",
                Durations.format(run.options().stormTimeout())));
        run.progress().show(() -> String.format("expiry-storm: %,d of %,d keys left, %+.1f s from the TTL end; %s",
                left[0], keyCount, (System.nanoTime() - ttlEndNanos) / 1e9, load.progressLine()));
        sleepUntil(earliestEndNanos);

        long firstNanos = 0;
        long polls = 0;
        while (true) {
            long pollNanos = System.nanoTime();
            left[0] = count(run, keys);
            long responseNanos = System.nanoTime();
            polls++;
            if (left[0] < keyCount && firstNanos == 0) {
                firstNanos = responseNanos;
            }
            if (left[0] == 0) {
                return new ExpiryTimes(firstNanos, responseNanos, 0, polls);
            }
            if (responseNanos - giveUpNanos > 0) {
                return new ExpiryTimes(firstNanos, 0, left[0], polls);
            }
            sleepUntil(pollNanos + POLL_INTERVAL.toNanos());
        }
    }

    private static long count(LoadRun run, RunKeys keys) throws LoadFailedException {
        try {
            return Setup.count(run, keys);
        } catch (StatusRuntimeException e) {
            throw new LoadFailedException("the count of the keys under " + keys + " failed: "
                    + LoadFailedException.describe(e), e);
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long waitNanos = nanos - System.nanoTime();
        if (waitNanos > 0) {
            TimeUnit.NANOSECONDS.sleep(waitNanos);
        }
    }

    /** Returns the ids granted so far, skipping slots whose grant has not returned (0). */
    private static long[] snapshot(AtomicLongArray leases) {
        long[] granted = new long[leases.length()];
        int count = 0;
        for (int i = 0; i < leases.length(); i++) {
            long id = leases.get(i);
            if (id != 0) {
                granted[count++] = id;
            }
        }
        return Arrays.copyOf(granted, count);
    }

    /** Starts one keep-alive for each of {@code leases}, which must not be empty, with a bounded number in flight. */
    private static ClosedLoop renewPass(LoadRun run, KeepAliveStreams streams, long[] leases) {
        return ClosedLoop.start("renewing leases", Math.min(leases.length, RENEWALS_IN_FLIGHT),
                client -> (sequence, outcome) -> streams.renew(leases[(int) sequence], outcome),
                new RunLimit.Total(leases.length), Long.MAX_VALUE, new LatencyRecorder(), run.options().maxErrors());
    }

    /**
     * Keeps the leases granted so far alive during the setup: every third of the TTL, one
     * renewal pass over them, on a virtual thread of its own. A pass that fails is kept and
     * raised by {@link #stop()}.
     */
    private static final class Renewer implements AutoCloseable {

        private final LoadRun run;
        private final KeepAliveStreams streams;
        private final AtomicLongArray leases;
        private final long periodNanos;
        private final CountDownLatch stopRequested = new CountDownLatch(1);
        private final AtomicReference<String> failure = new AtomicReference<>();
        private final Thread thread;

        private Renewer(LoadRun run, KeepAliveStreams streams, AtomicLongArray leases, Duration ttl) {
            this.run = run;
            this.streams = streams;
            this.leases = leases;
            this.periodNanos = ttl.toNanos() / 3;
            this.thread = Thread.ofVirtual().name("expiry-storm-renewer").start(this::loop);
        }

        static Renewer start(LoadRun run, KeepAliveStreams streams, AtomicLongArray leases, Duration ttl) {
            return new Renewer(run, streams, leases, ttl);
        }

        private void loop() {
            try {
                while (!stopRequested.await(periodNanos, TimeUnit.NANOSECONDS)) {
                    long[] granted = snapshot(leases);
                    if (granted.length == 0) {
                        continue;
                    }
                    ClosedLoop.Result pass = renewPass(run, streams, granted).await();
                    if (pass.failed() > 0 || pass.abandoned() > 0) {
                        failure.compareAndSet(null, String.format(
                                "%,d of %,d keep-alives of a renewal pass during the setup failed; "
                                        + "a longer --ttl gives the setup more time", pass.failed() + pass.abandoned(),
                                granted.length));
                        return;
                    }
                }
            } catch (InterruptedException e) {
                // close() without stop(): the run is being abandoned.
                Thread.currentThread().interrupt();
            }
        }

        /**
         * Stops after the pass in flight, and waits for it.
         *
         * @throws LoadFailedException if a pass failed
         */
        void stop() throws InterruptedException, LoadFailedException {
            stopRequested.countDown();
            thread.join();
            String reason = failure.get();
            if (reason != null) {
                throw new LoadFailedException(reason);
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (thread.isAlive()) {
                stopRequested.countDown();
                thread.join();
            }
        }
    }
}
