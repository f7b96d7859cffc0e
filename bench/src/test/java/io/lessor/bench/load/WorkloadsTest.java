package io.lessor.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.lessor.api.KVGrpc;
import io.lessor.api.LeaseGrpc;
import io.lessor.api.LeaseLeasesRequest;
import io.lessor.api.RangeRequest;
import io.lessor.server.ServerConfig;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import io.lessor.testing.LessorServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each workload, run briefly against an in-process Lessor server, completes every request and
 * leaves the server in the state its description promises.
 */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class WorkloadsTest {

    /** Requests above this size fail, so a put of a larger value makes errors on purpose. */
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    @RegisterExtension
    static final LessorServerExtension etcd = LessorServerExtension.create(config -> new ServerConfig(config.name(),
            config.dataDir(), config.listenClientAddresses(), config.advertiseClientUrls(), config.advertisePeerUrls(),
            config.clusterToken(), config.minLeaseTtlSeconds(), config.maxLeaseTtlSeconds(), MAX_REQUEST_BYTES,
            config.maxTxnOps(), config.expiryCheckInterval(), config.maxExpiredRevokesPerCheck(),
            config.shutdownGrace()));

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private ManagedChannel channel;

    @BeforeEach
    void openChannel() {
        channel = NettyChannelBuilder.forTarget(etcd.hostAndPort()).usePlaintext().build();
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private Report run(String... args) throws Exception {
        List<String> command = new ArrayList<>(Arrays.asList(args));
        command.addAll(List.of("--endpoints", etcd.endpoint()));
        LoadOptions options = LoadOptions.parse(command);
        return LoadGenerator.run(options, new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    private long keysUnder(String prefix) {
        ByteString start = ByteString.copyFromUtf8(prefix);
        ByteString end = ByteString.copyFromUtf8(prefix.substring(0, prefix.length() - 1) + "0");
        return KVGrpc.newBlockingStub(channel)
                .range(RangeRequest.newBuilder().setKey(start).setRangeEnd(end).setCountOnly(true).build())
                .getCount();
    }

    private int leaseCount() {
        return LeaseGrpc.newBlockingStub(channel).leaseLeases(LeaseLeasesRequest.getDefaultInstance()).getLeasesCount();
    }

    private static void assertComplete(Report report, long requests) {
        assertThat(report.failure()).isEmpty();
        assertThat(report.errors()).isZero();
        assertThat(report.abandoned()).isZero();
        assertThat(report.requests()).isEqualTo(requests);
        assertThat(report.latencies().getTotalCount()).isEqualTo(requests);
        assertThat(report.seconds()).isPositive();
        assertThat(report.throughput()).isPositive();
    }

    @Test
    void putWritesEveryKey() throws Exception {
        Report report = run("put", "--total", "300", "--conns", "2", "--clients", "16");

        assertComplete(report, 300);
        assertThat(keysUnder(report.keyPrefix())).isEqualTo(300);
        assertThat(report.extras()).containsEntry("distinct keys written", 300L);
    }

    @Test
    void putCyclesThroughKeySpace() throws Exception {
        Report report = run("put", "--total", "100", "--clients", "4", "--key-space", "7");

        assertComplete(report, 100);
        assertThat(keysUnder(report.keyPrefix())).isEqualTo(7);
    }

    @Test
    void putWithLeaseRevokesPoolAndKeys() throws Exception {
        int leasesBefore = leaseCount();

        Report report = run("put", "--lease", "--leases", "5", "--total", "100", "--clients", "4");

        assertComplete(report, 100);
        assertThat(report.extras()).containsEntry("lease pool revokes failed", 0L);
        // The keys went with the revoked leases they were attached to.
        assertThat(keysUnder(report.keyPrefix())).isZero();
        assertThat(leaseCount()).isEqualTo(leasesBefore);
    }

    @Test
    void putWarmupNotCounted() throws Exception {
        Report report = run("put", "--total", "50", "--warmup", "300ms", "--clients", "2");

        assertComplete(report, 50);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("warming up for 300ms");
    }

    @Test
    void linearizableRangeReadsKey() throws Exception {
        Report report = run("range", "--total", "200", "--clients", "8");

        assertComplete(report, 200);
        assertThat(report.settings()).containsEntry("consistency", "l");
    }

    @Test
    void serializableRangeReadsKey() throws Exception {
        Report report = run("range", "--consistency", "s", "--total", "200", "--clients", "8");

        assertComplete(report, 200);
        assertThat(report.settings()).containsEntry("consistency", "s");
    }

    @Test
    void txnVersionCountsSuccessfulSwaps() throws Exception {
        Report report = run("txn", "--total", "200", "--clients", "4");

        assertComplete(report, 200);
        long swapped = (Long) report.extras().get("txn succeeded");
        long lost = (Long) report.extras().get("txn compare failed");
        assertThat(swapped + lost).isEqualTo(200);
        assertThat(swapped).isPositive();
        // The setup put made version 1, and each successful swap one more.
        long version = KVGrpc.newBlockingStub(channel)
                .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(report.keyPrefix() + "00000000")).build())
                .getKvs(0).getVersion();
        assertThat(version).isEqualTo(swapped + 1);
    }

    @Test
    void leaseGrantLeavesLeases() throws Exception {
        int leasesBefore = leaseCount();

        Report report = run("lease-grant", "--total", "150", "--clients", "8");

        assertComplete(report, 150);
        assertThat(leaseCount()).isEqualTo(leasesBefore + 150);
    }

    @Test
    void keepAliveRenewsEachLease() throws Exception {
        int leasesBefore = leaseCount();

        Report report = run("lease-keepalive", "--leases", "10", "--total", "400", "--conns", "2", "--streams", "3");

        assertComplete(report, 400);
        assertThat((Double) report.extras().get("renewals per lease")).isEqualTo(40.0);
        assertThat(report.extras()).containsEntry("lease pool revokes failed", 0L);
        assertThat(leaseCount()).isEqualTo(leasesBefore);
    }

    @Test
    void leaseRevokeUsesUpPool() throws Exception {
        int leasesBefore = leaseCount();

        Report report = run("lease-revoke", "--total", "80", "--clients", "4");

        assertComplete(report, 80);
        assertThat(report.extras()).containsEntry("lease pool", 80).containsEntry("pool used up", true);
        assertThat(leaseCount()).isEqualTo(leasesBefore);
    }

    @Test
    void leaseRevokeStopsAtEndOfPool() throws Exception {
        Report report = run("lease-revoke", "--leases", "30", "--duration", "30s", "--clients", "4");

        assertComplete(report, 30);
        assertThat(report.extras()).containsEntry("pool used up", true);
    }

    @Test
    void expiryStormDeletesEveryKey() throws Exception {
        Report report = run("expiry-storm", "--leases", "40", "--keys-per-lease", "3", "--ttl", "2s",
                "--clients", "2", "--timeout", "20s");

        assertThat(report.failure()).isEmpty();
        assertThat(report.errors()).isZero();
        assertThat(report.latencies().getTotalCount()).isEqualTo(report.requests());
        assertThat(report.extras()).containsEntry("keys", 120L).containsEntry("keys left", 0L);
        assertThat((Double) report.extras().get("all keys gone after TTL end s")).isLessThan(20.0);
        assertThat(keysUnder(report.keyPrefix() + "storm/")).isZero();
    }

    @Test
    void scaleGrantsLeases() throws Exception {
        int leasesBefore = leaseCount();

        Report report = run("scale", "--leases", "300", "--clients", "16");

        assertComplete(report, 300);
        assertThat(report.extras()).containsEntry("leases granted", 300L);
        assertThat(leaseCount()).isEqualTo(leasesBefore + 300);
    }

    @Test
    void maxErrorsStopsRun() throws Exception {
        Report report = run("put", "--value-size", String.valueOf(MAX_REQUEST_BYTES + 1), "--total", "1000",
                "--clients", "2", "--max-errors", "10");

        assertThat(report.failure()).hasValueSatisfying(reason ->
                assertThat(reason).contains("stopped after").contains("--max-errors 10"));
        assertThat(report.requests()).isZero();
        // Each of the two clients may have had a request in flight when the tenth failed.
        assertThat(report.errors()).isBetween(10L, 11L);
        assertThat(report.errorsByKind()).containsOnlyKeys("INVALID_ARGUMENT");
        assertThat(report.firstErrors().get("INVALID_ARGUMENT")).contains("request is too large");
    }
}
