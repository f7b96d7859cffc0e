package io.lessor.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoadOptionsTest {

    private static LoadOptions parse(String... args) throws UsageException {
        return LoadOptions.parse(Arrays.asList(args));
    }

    @Test
    void putDefaults() throws UsageException {
        LoadOptions options = parse("put");

        assertThat(options.workload()).isEqualTo(Workload.PUT);
        assertThat(options.endpoints()).containsExactly(new Endpoint("127.0.0.1", 2379));
        assertThat(options.connections()).isEqualTo(1);
        assertThat(options.clients()).isEqualTo(1);
        assertThat(options.limit()).isEqualTo(new RunLimit.Total(10_000));
        assertThat(options.warmup()).isZero();
        assertThat(options.jsonFile()).isEmpty();
        assertThat(options.prefix()).isEqualTo("lessor-bench/");
        assertThat(options.maxErrors()).isEqualTo(1_000);
        assertThat(options.keySpace()).isEqualTo(100_000);
        assertThat(options.valueSize()).isEqualTo(256);
        assertThat(options.lease()).isFalse();
        assertThat(options.streams()).isEqualTo(1);
    }

    @Test
    void everyFlagParsed() throws UsageException {
        LoadOptions options = parse("put", "--endpoints", "http://127.0.0.1:1111,localhost:2222", "--conns", "4",
                "--clients=100", "--duration", "1m30s", "--warmup", "2s", "--json", "out/put.json", "--prefix", "p/",
                "--max-errors", "0", "--key-space", "1_000", "--value-size", "8", "--lease", "--leases", "7",
                "--ttl", "90s");

        assertThat(options.endpoints()).containsExactly(new Endpoint("127.0.0.1", 1111), new Endpoint("localhost", 2222));
        assertThat(options.connections()).isEqualTo(4);
        assertThat(options.clients()).isEqualTo(100);
        assertThat(options.limit()).isEqualTo(new RunLimit.Timed(Duration.ofSeconds(90)));
        assertThat(options.warmup()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.jsonFile()).contains(Path.of("out/put.json"));
        assertThat(options.prefix()).isEqualTo("p/");
        assertThat(options.maxErrors()).isZero();
        assertThat(options.keySpace()).isEqualTo(1_000);
        assertThat(options.valueSize()).isEqualTo(8);
        assertThat(options.lease()).isTrue();
        assertThat(options.leases()).isEqualTo(7);
        assertThat(options.ttlSeconds()).isEqualTo(90);
    }

    @ParameterizedTest(name = "{0}: {1} leases, TTL {2} s")
    @CsvSource({
        "lease-keepalive, 1000, 600",
        "lease-revoke,    10000, 600",
        "expiry-storm,    10000, 5",
        "scale,           1000000, 3600",
    })
    void leaseDefaultsPerWorkload(String workload, int leases, long ttlSeconds) throws UsageException {
        LoadOptions options = parse(workload);

        assertThat(options.leases()).isEqualTo(leases);
        assertThat(options.ttlSeconds()).isEqualTo(ttlSeconds);
    }

    @Test
    void leaseGrantTtlDefaultsToOneMinute() throws UsageException {
        assertThat(parse("lease-grant").ttlSeconds()).isEqualTo(60);
    }

    @Test
    void revokePoolFollowsTotal() throws UsageException {
        assertThat(parse("lease-revoke", "--total", "250").leases()).isEqualTo(250);
        assertThat(parse("lease-revoke", "--duration", "5s").leases()).isEqualTo(10_000);
        assertThat(parse("lease-revoke", "--total", "250", "--leases", "40").leases()).isEqualTo(40);
    }

    @Test
    void scaleLimitIsLeaseCount() throws UsageException {
        assertThat(parse("scale", "--leases", "500").limit()).isEqualTo(new RunLimit.Total(500));
    }

    @Test
    void streamsDefaultToConnections() throws UsageException {
        assertThat(parse("lease-keepalive", "--conns", "3").streams()).isEqualTo(3);
        assertThat(parse("lease-keepalive", "--conns", "3", "--streams", "8").streams()).isEqualTo(8);
    }

    @Test
    void consistencyChoosesSerializable() throws UsageException {
        assertThat(parse("range").serializable()).isFalse();
        assertThat(parse("range", "--consistency", "l").serializable()).isFalse();
        assertThat(parse("range", "--consistency", "s").serializable()).isTrue();
    }

    @Test
    void lastValueOfRepeatedFlagWins() throws UsageException {
        assertThat(parse("put", "--clients", "2", "--clients", "5").clients()).isEqualTo(5);
    }

    @Test
    void leaseSwitchTakesBooleanValue() throws UsageException {
        assertThat(parse("put", "--lease=false").lease()).isFalse();
        assertThat(parse("put", "--lease=true").lease()).isTrue();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "''|missing workload; expected one of put, range, txn, lease-grant, lease-keepalive, lease-revoke, expiry-storm, scale",
        "get|unknown workload 'get'; expected one of put",
        "--clients 1 put|the workload comes before the flags, got '--clients'",
        "put --verbose|unknown flag --verbose; see lessor bench --help",
        "put extra|unexpected argument 'extra'; flags start with --",
        "put --clients|--clients needs a value",
        "put --clients ten|--clients must be a whole number, got 'ten'",
        "put --clients 0|--clients must be from 1 to 1000000, got 0",
        "put --conns -1|--conns must be from 1 to 10000, got -1",
        "put --total 0|--total must be from 1 to",
        "put --total 5 --duration 1s|give either --total or --duration, not both",
        "put --duration 0|--duration must be positive, got 0",
        "put --duration 10|--duration: invalid duration '10'; write a number and a unit",
        "put --duration 5 s|unexpected argument 's'; flags start with --",
        "put --key-space 4294967297|--key-space must be from 1 to 4294967296, got 4294967297",
        "put --value-size 1048577|--value-size must be from 0 to 1048576, got 1048577",
        "put --leases 5|--leases applies to put only with --lease",
        "put --ttl 10s|--ttl applies to put only with --lease",
        "put --lease=yes|--lease takes no value, or =true or =false; got 'yes'",
        "put --consistency s|--consistency does not apply to put; it applies to [range]",
        "range --key-space 5|--key-space does not apply to range; it applies to [put]",
        "scale --total 5|--total does not apply to scale",
        "expiry-storm --duration 5s|--duration does not apply to expiry-storm",
        "lease-revoke --warmup 1s|--warmup does not apply to lease-revoke",
        "range --consistency x|--consistency must be l (linearizable) or s (serializable), got 'x'",
        "lease-grant --ttl 1500ms|--ttl must be a whole number of seconds, at least 1s",
        "lease-grant --ttl 0|--ttl must be a whole number of seconds, at least 1s",
        "expiry-storm --timeout 0|--timeout must be positive, got 0",
        "expiry-storm --leases 100000000 --keys-per-lease 100|--leases times --keys-per-lease must be at most",
        "put --endpoints https://127.0.0.1:2379|--endpoints: 'https://127.0.0.1:2379' uses TLS",
        "put --endpoints 127.0.0.1|--endpoints: invalid endpoint '127.0.0.1'; expected http://HOST:PORT",
        "put --endpoints 127.0.0.1:70000|--endpoints: invalid port in '127.0.0.1:70000'",
        "put --endpoints 127.0.0.1:1,|--endpoints: empty endpoint",
    })
    void invalidCommandLineRejected(String commandLine, String message) {
        List<String> args = commandLine.isEmpty() ? List.of() : List.of(commandLine.split(" "));

        assertThatThrownBy(() -> LoadOptions.parse(args))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining(message);
    }

    @Test
    void describeListsWorkloadSettings() throws UsageException {
        assertThat(parse("range", "--consistency", "s").describe())
                .containsEntry("consistency", "s")
                .containsEntry("limit", "10000 requests")
                .doesNotContainKey("key-space");
        assertThat(parse("scale").describe())
                .containsEntry("leases", 1_000_000)
                .doesNotContainKey("limit");
    }
}
