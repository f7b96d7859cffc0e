package io.lessor.client;

/** The policy by which a client with several endpoints spreads its requests over them. */
public enum LoadBalancing {
    /**
     * Uses one endpoint at a time, in the order given, and moves to the next when it fails: the
     * keep-alive stream and all requests share one connection. gRPC's {@code pick_first}.
     */
    PICK_FIRST("pick_first"),
    /**
     * Sends each request to the next healthy endpoint in turn, skipping those that fail. gRPC's
     * {@code round_robin}.
     */
    ROUND_ROBIN("round_robin");

    private final String policyName;

    LoadBalancing(String policyName) {
        this.policyName = policyName;
    }

    /** Returns gRPC's name of the policy, as a service config names it. */
    public String policyName() {
        return policyName;
    }
}
