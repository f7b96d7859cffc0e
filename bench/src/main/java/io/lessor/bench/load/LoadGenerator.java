package io.lessor.bench.load;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.lessor.api.KVGrpc;
import io.lessor.api.RangeRequest;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * Runs one workload against the endpoints of its options and returns the report. Progress and
 * phase lines go to the given stream (stderr from the command line).
 *
 * <pre>{@code
 * LoadOptions options = LoadOptions.parse(List.of("put", "--endpoints", endpoint, "--total", "1000"));
 * Report report = LoadGenerator.run(options, System.err);
 * System.out.print(report.table());
 * }</pre>
 *
 * <p>Every connection, stream and thread that a run opens is closed before this returns.
 */
final class LoadGenerator {

    /** How long the first request to each endpoint may take before the run fails. */
    static final long PROBE_TIMEOUT_SECONDS = 10;

    private LoadGenerator() {
    }

    /**
     * Runs the workload.
     *
     * @throws LoadFailedException if an endpoint does not respond or a setup step fails. A measured
     *     stream that stops on errors does not raise it, but returns a report whose failure states why.
     */
    static Report run(LoadOptions options, PrintStream log) throws InterruptedException, LoadFailedException {
        try (Connections connections = Connections.open(options.endpoints(), options.connections());
                Progress progress = Progress.start(log)) {
            probe(options, connections);
            RunKeys keys = RunKeys.fresh(options.prefix(), options.workload());
            LoadRun run = new LoadRun(options, connections, progress, keys, log);
            run.say(String.format("%s over %s from %s, keys under %s",
                    options.endpoints().size() == 1 ? options.endpoints().get(0) : options.endpoints(),
                    count(options.connections(), "connection"), count(options.clients(), "client"), keys));
            return switch (options.workload()) {
                case PUT -> PutLoad.run(run);
                case RANGE -> RangeLoad.run(run);
                case TXN -> TxnLoad.run(run);
                case LEASE_GRANT -> LeaseGrantLoad.run(run);
                case LEASE_KEEPALIVE -> LeaseKeepAliveLoad.run(run);
                case LEASE_REVOKE -> LeaseRevokeLoad.run(run);
                case EXPIRY_STORM -> ExpiryStorm.run(run);
                case SCALE -> ScaleLoad.run(run);
            };
        }
    }

    private static String count(int number, String noun) {
        return number + " " + noun + (number == 1 ? "" : "s");
    }

    /** Sends one count-only range to each endpoint, so that an unreachable one fails the run at once. */
    private static void probe(LoadOptions options, Connections connections) throws LoadFailedException {
        int reachable = Math.min(options.endpoints().size(), connections.size());
        for (int i = 0; i < reachable; i++) {
            try {
                KVGrpc.newBlockingStub(connections.channel(i))
                        .withDeadlineAfter(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .range(RangeRequest.newBuilder()
                                .setKey(ByteString.copyFromUtf8(options.prefix()))
                                .setCountOnly(true)
                                .build());
            } catch (StatusRuntimeException e) {
                throw new LoadFailedException("cannot reach " + options.endpoints().get(i) + ": "
                        + LoadFailedException.describe(e)
                        + "; check that an etcd v3 server listens there, or pass --endpoints", e);
            }
        }
    }
}
