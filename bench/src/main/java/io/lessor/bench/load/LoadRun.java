package io.lessor.bench.load;

import com.google.protobuf.ByteString;
import java.io.PrintStream;
import java.util.function.IntFunction;

/**
 * The state that every phase of one run shares: the options, the connections, the progress
 * line, the run's keys and the value its puts write.
 */
final class LoadRun {

    private final LoadOptions options;
    private final Connections connections;
    private final Progress progress;
    private final RunKeys keys;
    private final ByteString value;
    private final PrintStream log;

    LoadRun(LoadOptions options, Connections connections, Progress progress, RunKeys keys, PrintStream log) {
        this.options = options;
        this.connections = connections;
        this.progress = progress;
        this.keys = keys;
        this.value = RunKeys.randomValue(options.valueSize());
        this.log = log;
    }

    LoadOptions options() {
        return options;
    }

    Connections connections() {
        return connections;
    }

    Progress progress() {
        return progress;
    }

    RunKeys keys() {
        return keys;
    }

    /** Returns the value that the run's puts write, {@code --value-size} random bytes. */
    ByteString value() {
        return value;
    }

    /** Prints one line about the run's phases to stderr, beside the progress lines. */
    void say(String line) {
        log.println(options.workload() + ": " + line);
        log.flush();
    }

    /**
     * Starts a stream of requests whose failures count toward {@code --max-errors}, and shows its
     * progress line.
     *
     * @param limit when the stream ends; {@code null} to run until {@link ClosedLoop#stop()}
     */
    ClosedLoop stream(String label, int clients, IntFunction<ClosedLoop.Requester> requesters, RunLimit limit,
            LatencyRecorder recorder) {
        return stream(label, clients, requesters, limit, Long.MAX_VALUE, recorder);
    }

    private ClosedLoop stream(String label, int clients, IntFunction<ClosedLoop.Requester> requesters,
            RunLimit limit, long maxRequests, LatencyRecorder recorder) {
        ClosedLoop loop = ClosedLoop.start(label, clients, requesters, limit, maxRequests, recorder,
                options.maxErrors());
        progress.show(loop::progressLine);
        return loop;
    }

    /**
     * Runs the measured stream of the workload: first {@code --warmup} of the same requests,
     * whose numbers are dropped, then the stream limited by {@code --total} or {@code --duration}.
     *
     * @throws LoadFailedException if the warm-up stops on errors or stalls
     */
    Measured measure(int clients, IntFunction<ClosedLoop.Requester> requesters)
            throws InterruptedException, LoadFailedException {
        return measure(clients, Long.MAX_VALUE, requesters);
    }

    /**
     * Runs the measured stream as {@link #measure(int, IntFunction)} does, but sends at most
     * {@code maxRequests} requests, which ends a {@code --duration} run early.
     */
    Measured measure(int clients, long maxRequests, IntFunction<ClosedLoop.Requester> requesters)
            throws InterruptedException, LoadFailedException {
        String label = options.workload().commandName();
        if (!options.warmup().isZero()) {
            say("warming up for " + Durations.format(options.warmup()));
            ClosedLoop.Result warmup = stream(label + " warm-up", clients, requesters,
                    new RunLimit.Timed(options.warmup()), maxRequests, new LatencyRecorder()).await();
            if (warmup.stoppedByErrors() || warmup.abandoned() > 0) {
                throw new LoadFailedException("the warm-up failed: " + warmup.failed() + " errors, "
                        + warmup.abandoned() + " requests abandoned without a response");
            }
        }
        LatencyRecorder recorder = new LatencyRecorder();
        ClosedLoop.Result result = stream(label, clients, requesters, options.limit(), maxRequests, recorder).await();
        progress.hide();
        return new Measured(result, recorder);
    }

    /** The outcome of a measured stream and its latencies. */
    record Measured(ClosedLoop.Result result, LatencyRecorder recorder) {
    }
}
