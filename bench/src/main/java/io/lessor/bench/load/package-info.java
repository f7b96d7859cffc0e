/**
 * The load generator behind {@code bin/lessor bench}: closed-loop clients that send etcd v3
 * gRPC requests to any endpoint and report throughput and latency percentiles.
 *
 * <p>It speaks the API through the raw async stubs of {@code io.lessor.api}, not through the
 * client library, so that etcd and Lessor receive the same requests. A client
 * is a small state machine, not a thread ({@link io.lessor.bench.load.ClosedLoop}): it sends one
 * request and sends the next one from the callback of its response, so a thousand clients run
 * on the channels' few network threads. Latencies go into an HdrHistogram with three
 * significant digits.
 *
 * <pre>
 * bin/lessor bench put --endpoints http://127.0.0.1:2379 --conns 10 --clients 100 --duration 10s
 * bin/lessor bench expiry-storm --leases 10000 --ttl 5s --json storm.json
 * bin/lessor bench --help
 * </pre>
 *
 * <p>{@code bench/vs-etcd.sh} runs every workload against a real etcd and against Lessor and
 * writes the comparison into docs/benchmarks.md.
 */
package io.lessor.bench.load;
