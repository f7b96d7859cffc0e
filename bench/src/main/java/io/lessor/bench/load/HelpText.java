package io.lessor.bench.load;

/** The text of {@code lessor bench --help}. */
final class HelpText {

    static final String TEXT = """
            usage: bin/lessor bench WORKLOAD [FLAGS]

            Sends etcd v3 gRPC requests to any etcd v3 endpoint (etcd or Lessor) from closed-loop
            clients, each of which sends its next request when the response to its last one
            arrives. Prints a progress line on stderr once a second, then a table of throughput
            and latency percentiles on stdout. Every run writes its keys under a fresh prefix.

            workloads:
              put              puts of 8-byte keys (after the run's prefix) with 256-byte values;
                               with --lease each put attaches a lease from a pool granted first
              range            reads of one key, linearizable or serializable (--consistency)
              txn              compare-and-swap transactions on one key, as a lock takes it: if the
                               key's mod_revision is the last one the client saw, put a new value,
                               else read the key to learn the current mod_revision
              lease-grant      lease grants; the leases are left to expire after --ttl
              lease-keepalive  keep-alives of --leases leases over shared KeepAlive streams; each
                               lease sends its next keep-alive as soon as the response to its
                               last one arrives (reports renewals per second and the latency from
                               request to response)
              lease-revoke     revokes of a pool of leases granted first; only the revokes count
              expiry-storm     --leases leases with --keys-per-lease keys each, renewed together so
                               that all expire within about a second; reports how long after the
                               TTL ends the last key is gone, and the latency of --clients
                               concurrent putters meanwhile
              scale            grants of --leases leases as fast as --clients allow; reports the
                               grant rate and leaves the leases to expire after --ttl

            flags of every workload:
              --endpoints URLS    comma-separated http://HOST:PORT or HOST:PORT; the connections
                                  take them in turn (default http://127.0.0.1:2379)
              --conns N           gRPC channels, each one HTTP/2 connection (default 1)
              --clients N         concurrent requesters, spread over the connections in turn
                                  (default 1)
              --json FILE         also write the report to FILE as JSON
              --prefix TEXT       keys go under TEXT, then WORKLOAD/, then a random run id and /
                                  (default lessor-bench/)
              --max-errors N      stop the run, with exit status 1, once N requests have failed;
                                  0 never stops (default 1000)
              --help              print this help

            flags of some workloads:
              --total N           requests to send (default 10000 unless --duration is given);
                                  not expiry-storm or scale
              --duration D        send requests for this long instead, such as 30s or 1m30s
              --warmup D          run the workload this long first and discard its numbers
                                  (default 0s); put, range, txn, lease-grant, lease-keepalive
              --key-space N       put: the number of distinct keys; request number i writes key
                                  i mod N (default 100000, at most 4294967296)
              --value-size BYTES  put, range, txn, expiry-storm: the size of each value
                                  (default 256, at most 1048576)
              --lease             put: attach each put to a lease from a pool of --leases leases,
                                  granted before the run and revoked after it
              --leases N          the number of leases: put --lease pool (default 100),
                                  lease-keepalive (default 1000), lease-revoke pool (default
                                  --total, or 10000 with --duration), expiry-storm (default
                                  10000), scale (default 1000000)
              --ttl D             lease TTL, whole seconds such as 60s or 10m: lease-grant
                                  (default 60s), expiry-storm (default 5s), scale (default 1h),
                                  put --lease, lease-keepalive and lease-revoke (default 10m)
              --consistency l|s   range: l for linearizable reads, s for serializable (default l)
              --streams N         lease-keepalive, expiry-storm: KeepAlive streams that carry the
                                  keep-alives, over the connections in turn (default: one per
                                  connection)
              --keys-per-lease N  expiry-storm: keys attached to each lease (default 1)
              --timeout D         expiry-storm: how long to wait after the TTL ends for every key
                                  to go before the run fails (default 5m)

            Durations are written like 500ms, 10s or 1m30s. Latencies are measured from sending a
            request to receiving its response, in milliseconds. Exit status: 0 after a complete
            run, 1 when a run fails (no endpoint responds, --max-errors is reached, keys are left
            after --timeout), 2 for an invalid command line.

            examples:
              bin/lessor bench put --conns 10 --clients 100 --duration 10s
              bin/lessor bench range --consistency s --clients 50 --total 100000
              bin/lessor bench expiry-storm --leases 10000 --ttl 5s --clients 10 --json storm.json
            """;

    private HelpText() {
    }
}
