package io.lessor.client;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A gRPC name resolver over the client's fixed list of endpoints: each endpoint is its own
 * address group, so the load-balancing policy can fail over between them.
 */
final class EndpointsNameResolver extends NameResolver {

    static final String SCHEME = "lessor-endpoints";

    private final List<InetSocketAddress> endpoints;
    private final String authority;
    private Listener2 listener;

    private EndpointsNameResolver(List<InetSocketAddress> endpoints) {
        this.endpoints = List.copyOf(endpoints);
        InetSocketAddress first = endpoints.get(0);
        this.authority = first.getHostString() + ":" + first.getPort();
    }

    /** Returns a factory that resolves any target of {@link #SCHEME} to {@code endpoints}. */
    static NameResolver.Factory factory(List<InetSocketAddress> endpoints) {
        return new NameResolver.Factory() {
            @Override
            public NameResolver newNameResolver(URI targetUri, Args args) {
                return SCHEME.equals(targetUri.getScheme()) ? new EndpointsNameResolver(endpoints) : null;
            }

            @Override
            public String getDefaultScheme() {
                return SCHEME;
            }
        };
    }

    @Override
    public String getServiceAuthority() {
        return authority;
    }

    @Override
    public void start(Listener2 listener) {
        this.listener = listener;
        publish();
    }

    /** Publishes the same list again; the policy calls this after connections fail. */
    @Override
    public void refresh() {
        if (listener != null) {
            publish();
        }
    }

    private void publish() {
        // Host names are looked up again on every refresh, so an endpoint that moves is found.
        List<EquivalentAddressGroup> groups = new ArrayList<>(endpoints.size());
        for (InetSocketAddress endpoint : endpoints) {
            InetSocketAddress resolved = new InetSocketAddress(endpoint.getHostString(), endpoint.getPort());
            if (!resolved.isUnresolved()) {
                groups.add(new EquivalentAddressGroup(resolved));
            }
        }
        if (groups.isEmpty()) {
            listener.onError(Status.UNAVAILABLE.withDescription("no endpoint host name could be resolved: " + endpoints));
            return;
        }
        listener.onResult(ResolutionResult.newBuilder().setAddressesOrError(StatusOr.fromValue(groups)).build());
    }

    @Override
    public void shutdown() {
        listener = null;
    }
}
