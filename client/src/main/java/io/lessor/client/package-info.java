/**
 * A client for etcd's v3 API, for a real etcd or a Lessor server: {@link io.lessor.client.Client}
 * with its {@link io.lessor.client.KV}, {@link io.lessor.client.Lease} and
 * {@link io.lessor.client.Watch} APIs, the
 * {@link io.lessor.client.KeepAlive} subscriptions of lease keep-alives, and the exceptions
 * mapped from etcd's errors, all based on {@link io.lessor.client.EtcdException}.
 *
 * <p>Every call takes a {@link io.lessor.context.Context} first, as etcd's Go client takes a
 * {@code context.Context}.
 */
package io.lessor.client;
