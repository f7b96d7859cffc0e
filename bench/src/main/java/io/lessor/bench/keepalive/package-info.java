/**
 * A harness that measures what an etcd client costs while it keeps leases alive: the threads it
 * holds, the CPU it uses per second, and how long {@code close()} takes, for Lessor's client and
 * for jetcd. {@link io.lessor.bench.keepalive.Main} runs one measurement in its own JVM;
 * {@code bench/client-vs-jetcd.sh} runs them all and records the table in
 * {@code docs/benchmarks.md}.
 */
package io.lessor.bench.keepalive;
