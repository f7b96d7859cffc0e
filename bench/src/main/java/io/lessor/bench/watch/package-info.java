/**
 * A benchmark of the Watch service of any etcd v3 endpoint: how many events per second reach
 * the watchers of one key prefix, and, together with {@code bench/watch-fanout.sh}, how much
 * server memory an idle watcher holds. {@link io.lessor.bench.watch.Main} is the entry point.
 */
package io.lessor.bench.watch;
