/**
 * The keep-alive machinery behind {@link io.lessor.client.Lease#keepAlive}: one shared
 * LeaseKeepAlive stream per client, with a send loop, a receive loop and a deadline loop that
 * run under the client's context. Users reach it through {@link io.lessor.client.Client}; its
 * public types are {@link io.lessor.client.lease.KeepAliveConfig}, for tuning, and
 * {@link io.lessor.client.lease.KeepAlives}, which the client constructs.
 */
package io.lessor.client.lease;
