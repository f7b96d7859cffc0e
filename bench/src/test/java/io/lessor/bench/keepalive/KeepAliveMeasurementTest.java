package io.lessor.bench.keepalive;

import static org.assertj.core.api.Assertions.assertThat;

import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import io.lessor.testing.LessorServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs the keep-alive harness's measurement in this JVM against an in-process Lessor server,
 * with few leases and short waits, so that a change that breaks a step of the harness fails
 * here rather than in a benchmark run. It checks that each figure was measured, not how large
 * it is.
 */
@CheckLeaks
// Vert.x 5, which jetcd 0.8.6 runs on, starts one Cleaner thread per JVM in a static
// initializer of VertxImpl, so it outlives every jetcd client on purpose.
@LeakCheck(ignoreThreads = "Cleaner-\\d+")
class KeepAliveMeasurementTest {

    @RegisterExtension
    static final LessorServerExtension server = LessorServerExtension.create();

    private static final int LEASES = 10;

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void measurementOfTenLeasesHasSaneFigures(ClientKind client) throws Exception {
        // TTL 3 s: renewed every second, so a 2 s window counts renewals of every lease.
        MeasurementConfig config = new MeasurementConfig(client, server.endpoint(), LEASES, 3, 4,
                Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(200), 0);

        MeasurementResult result = new KeepAliveMeasurement(config).run();

        assertThat(result.firstResponsesMillis()).isNotNegative();
        assertThat(result.renewals()).isPositive();
        assertThat(result.endedBeforeClose()).isZero();
        assertThat(result.endReasons()).isEmpty();
        assertThat(result.windowMillis()).isGreaterThanOrEqualTo(2000);
        assertThat(result.baselineThreads()).isPositive();
        assertThat(result.threadsMin()).isLessThanOrEqualTo(result.threadsMax());
        assertThat(result.threadsMax()).isGreaterThanOrEqualTo(result.baselineThreads());
        assertThat(result.cpuMillis()).isPositive();
        assertThat(result.cpuByThreadGroup()).isNotEmpty();
        assertThat(result.closeMillis()).isPositive();
        assertThat(result.threadsAfterClose()).isPositive();
        assertThat(result.virtualThreadsAfterClose()).isNotNegative();
        assertThat(result.toJson())
                .startsWith("{\"client\":\"" + client.label() + "\"")
                .contains("\"leases\":10,", "\"renewalsPerSecond\":", "\"closeMillis\":", "\"threadsLeftAfterClose\":")
                .endsWith("}");
    }
}
