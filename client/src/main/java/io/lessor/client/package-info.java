/**
 * A client for etcd's v3 API, for a real etcd or a Lessor server: {@link io.lessor.client.Client}
 * with its {@link io.lessor.client.KV}, {@link io.lessor.client.Lease} and
 * {@link io.lessor.client.Watch} APIs; the options of each call ({@link io.lessor.client.GetOptions},
 * {@link io.lessor.client.PutOptions}, {@link io.lessor.client.DeleteOptions},
 * {@link io.lessor.client.WatchOptions}); transactions built with {@link io.lessor.client.Txn},
 * {@link io.lessor.client.Compares} and {@link io.lessor.client.Ops}; the
 * {@link io.lessor.client.KeepAlive} and {@link io.lessor.client.Watcher} streams, each readable
 * blocking or as a {@link java.util.concurrent.Flow.Publisher}; and the exceptions mapped from
 * etcd's errors, all based on {@link io.lessor.client.EtcdException}.
 *
 * <p>Every call takes a {@link io.lessor.context.Context} first, as etcd's Go client takes a
 * {@code context.Context}. {@link io.lessor.client.Client} states which calls are retried.
 */
package io.lessor.client;
