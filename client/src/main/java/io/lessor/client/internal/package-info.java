/**
 * Internal parts of the client that both {@link io.lessor.client} and
 * {@link io.lessor.client.lease} use. Not part of the client's API: the types are public only
 * so that both packages can reach them, and they may change in any release.
 */
package io.lessor.client.internal;
