package io.lessor.server.gateway.json;

/**
 * A request whose messages nest deeper than the reader's limit. Only Txn requests nest
 * without bound, and the limit lies beyond what etcd's operation budget allows, so the gateway
 * responds with etcd's "too many operations in txn request".
 */
public final class NestingTooDeepException extends Exception {

    private static final long serialVersionUID = 1L;

    NestingTooDeepException(int maxDepth) {
        super("request messages nest deeper than " + maxDepth + " levels", null, false, false);
    }
}
