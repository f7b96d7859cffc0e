package io.lessor.examples;

import com.google.protobuf.ByteString;
import io.lessor.api.Event;
import io.lessor.api.KeyValue;
import io.lessor.api.LeaseGrantResponse;
import io.lessor.api.LeaseKeepAliveResponse;
import io.lessor.api.RangeResponse;
import io.lessor.api.WatchResponse;
import io.lessor.client.Client;
import io.lessor.client.EtcdException;
import io.lessor.client.GetOptions;
import io.lessor.client.KeepAlive;
import io.lessor.client.KeepAliveEnd;
import io.lessor.client.KeepAliveEndedException;
import io.lessor.client.LeaseNotFoundException;
import io.lessor.client.PutOptions;
import io.lessor.client.WatchEnd;
import io.lessor.client.WatchEndedException;
import io.lessor.client.WatchOptions;
import io.lessor.client.Watcher;
import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.context.ContextDoneException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A service that registers itself under {@code services/NAME} with a lease, and a watcher that
 * follows the registrations. The registrant grants a lease, puts its address with that lease,
 * and keeps the lease alive. While it runs, the key stays; when it stops, the key goes. A clean
 * stop revokes the lease, so the key goes at once. A crash (kill -9) leaves the lease to expire,
 * so the key goes within one TTL.
 *
 * <pre>
 * $ bin/lessor example service-registration --name api --address 127.0.0.1:8080
 * registered services/api at 127.0.0.1:8080 with lease 694d9b5ae4a6bd04, TTL 10s
 * keep-alive: lease 694d9b5ae4a6bd04, TTL 10s
 * keep-alive: lease 694d9b5ae4a6bd04, TTL 10s
 * ^Crevoked lease 694d9b5ae4a6bd04, so services/api is deleted
 * registration stopped: context canceled, cause: stopped by a signal (SIGINT, SIGTERM or SIGHUP)
 *
 * $ bin/lessor example service-registration --watch
 * up api 127.0.0.1:8080
 * watching services/ from revision 8
 * down api
 * </pre>
 *
 * <p>The watcher first prints an {@code up} line for each service registered when it starts,
 * then watches the prefix from the revision after that read, so that no change between the read
 * and the watch is lost. A put under the prefix prints {@code up NAME ADDRESS}; a delete, whether
 * by a revoke, by an expired lease or by hand, prints {@code down NAME}.
 *
 * <p>The registrant stops with a failure when its keep-alive ends for another reason than its
 * context, such as the lease expiring while the server was unreachable. A real service would
 * register again; this example prints why and exits with status 1. It also exits with status 1
 * when no server responds to its first request within the dial timeout:
 *
 * <pre>
 * $ bin/lessor example service-registration --endpoints http://127.0.0.1:2479
 * registration failed: no etcd server responded at http://127.0.0.1:2479 within 5s; start one there or pass --endpoints
 * </pre>
 */
final class ServiceRegistrationExample {

    static final String NAME = "service-registration";

    /** The prefix of every registration key, so a service named {@code api} is at {@code services/api}. */
    static final String PREFIX = "services/";

    /** The maximum time of the revoke on the way out, well within Main's grace period after a signal. */
    static final Duration REVOKE_TIMEOUT = Duration.ofSeconds(3);

    static final String USAGE = """
              service-registration  registers services/NAME with a lease and keeps it alive until stopped
                  --name NAME     service name; the key is services/NAME (default demo)
                  --address A     value stored under the key (default 127.0.0.1:8080)
                  --ttl D         lease TTL in whole seconds; etcd raises it to at least 2s (default 10s)
                  --watch         instead of registering, print "up NAME ADDRESS" and "down NAME" as keys
                                  under services/ appear and vanish
            """ + EtcdConnection.USAGE;

    /** The registrant's choice, when its context ends, between revoking its lease and leaving it to expire. */
    enum Departure {
        /** Revoke the lease, which deletes the key at once: a clean stop, as on Ctrl-C. */
        REVOKE_LEASE,
        /**
         * Close the client without revoking, so the lease expires after its TTL: what a crash
         * or kill -9 leaves behind. Tests use it to simulate a crash in-process.
         */
        ABANDON_LEASE
    }

    /** The reason a run ended. */
    enum Ending {
        /** Its context ended, as on Ctrl-C. */
        STOPPED,
        /** A request failed, or the keep-alive or watch ended on its own. */
        FAILED
    }

    /**
     * The example's settings.
     *
     * @param connection the etcd endpoints and the dial timeout
     * @param serviceName the service's name, the part of the key after {@link #PREFIX}
     * @param address the value put under the key
     * @param ttlSeconds the TTL requested for the lease; at least 1
     * @param watch whether to watch the registrations instead of registering
     */
    record Options(EtcdConnection connection, String serviceName, String address, long ttlSeconds, boolean watch) {
        Options {
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(serviceName, "serviceName");
            Objects.requireNonNull(address, "address");
            if (ttlSeconds < 1) {
                throw new IllegalArgumentException("ttlSeconds must be at least 1, got " + ttlSeconds);
            }
        }

        static Options parse(List<String> args) throws UsageException {
            Flags flags = Flags.parse(NAME, args, Set.of("name", "address", "ttl", "endpoints", "dial-timeout"),
                    Set.of("watch"));
            return new Options(
                    EtcdConnection.parse(flags),
                    flags.nonEmptyString("name", "demo"),
                    flags.string("address").orElse("127.0.0.1:8080"),
                    flags.wholeSeconds("ttl", 10, 1),
                    flags.isOn("watch"));
        }

        /** Returns the registration key, {@code services/NAME}. */
        String key() {
            return PREFIX + serviceName;
        }
    }

    private ServiceRegistrationExample() {
    }

    /**
     * Registers the service, or watches the registrations with {@code --watch}, until
     * {@code parent} ends. A registrant then revokes its lease.
     *
     * @throws InterruptedException if the calling thread is interrupted; the client is closed
     *     before this is thrown, and a registrant's lease is left to expire
     */
    static Ending run(Context parent, Options options, PrintStream out) throws InterruptedException {
        return run(parent, options, out, Departure.REVOKE_LEASE);
    }

    /**
     * Runs as {@link #run(Context, Options, PrintStream)} does, with the registrant leaving its
     * lease as {@code departure} selects.
     */
    static Ending run(Context parent, Options options, PrintStream out, Departure departure)
            throws InterruptedException {
        try (Client client = options.connection().newClient();
                CancelableContext ctx = parent.withCancel()) {
            return options.watch() ? watch(ctx, client, options, out) : register(ctx, client, options, out, departure);
        }
    }

    private static Ending register(CancelableContext ctx, Client client, Options options, PrintStream out,
            Departure departure) throws InterruptedException {
        String key = options.key();
        LeaseGrantResponse lease;
        try (CancelableContext dialCtx = ctx.withTimeout(options.connection().dialTimeout())) {
            lease = client.lease().grant(dialCtx, options.ttlSeconds());
        } catch (EtcdException e) {
            out.println("registration failed: lease grant failed: " + e.getMessage());
            return Ending.FAILED;
        } catch (ContextDoneException e) {
            if (!ctx.isDone()) {
                out.println("registration failed: " + options.connection().noResponseMessage());
                return Ending.FAILED;
            }
            out.println("registration stopped: " + ContextEnding.describe(ctx));
            return Ending.STOPPED;
        }
        long leaseId = lease.getID();

        KeepAliveEnd end;
        try {
            client.kv().put(ctx, bytes(key), bytes(options.address()), PutOptions.withLease(leaseId));
            out.printf("registered %s at %s with lease %016x, TTL %ds%n", key, options.address(), leaseId,
                    lease.getTTL());
            end = keepAlive(ctx, client, leaseId, out);
        } catch (EtcdException e) {
            depart(ctx, client, leaseId, key, departure, out);
            out.println("registration failed: put of " + key + " failed: " + e.getMessage());
            return Ending.FAILED;
        } catch (ContextDoneException e) {
            depart(ctx, client, leaseId, key, departure, out);
            out.println("registration stopped: " + ContextEnding.describe(ctx));
            return Ending.STOPPED;
        }

        if (end.reason() == KeepAliveEnd.Reason.CONTEXT_DONE) {
            depart(ctx, client, leaseId, key, departure, out);
            out.println("registration stopped: " + ContextEnding.describe(ctx));
            return Ending.STOPPED;
        }
        // The lease has expired or was revoked by someone else, or the stream failed for good.
        // The key is gone or soon will be, and this process no longer owns it.
        if (end.reason() == KeepAliveEnd.Reason.HALTED) {
            depart(ctx, client, leaseId, key, departure, out);
        }
        out.printf("registration lost: keep-alive of lease %016x ended: %s (%s)%n", leaseId, end.reason(),
                ContextEnding.messageOf(end.cause()));
        return Ending.FAILED;
    }

    /** Prints each keep-alive response until the keep-alive ends, and returns why it ended. */
    private static KeepAliveEnd keepAlive(Context ctx, Client client, long leaseId, PrintStream out)
            throws InterruptedException {
        KeepAlive keepAlive = client.lease().keepAlive(ctx, leaseId);
        try {
            while (true) {
                LeaseKeepAliveResponse response = keepAlive.next();
                out.printf("keep-alive: lease %016x, TTL %ds%n", response.getID(), response.getTTL());
            }
        } catch (KeepAliveEndedException e) {
            return e.end();
        }
    }

    /** Revokes the lease, or leaves it to expire, as {@code departure} selects, and prints which. */
    private static void depart(Context ctx, Client client, long leaseId, String key, Departure departure,
            PrintStream out) throws InterruptedException {
        if (departure == Departure.ABANDON_LEASE) {
            out.printf("abandoned lease %016x without revoking it, so %s is deleted when the TTL runs out%n",
                    leaseId, key);
            return;
        }
        // The example's context has usually ended by now, so the revoke runs under a detached
        // context with its own deadline.
        try (CancelableContext revokeCtx = ctx.withoutCancel().withTimeout(REVOKE_TIMEOUT)) {
            client.lease().revoke(revokeCtx, leaseId);
            out.printf("revoked lease %016x, so %s is deleted%n", leaseId, key);
        } catch (LeaseNotFoundException e) {
            out.printf("lease %016x was already gone, and %s with it%n", leaseId, key);
        } catch (EtcdException | ContextDoneException e) {
            out.printf("revoke of lease %016x failed: %s, so %s is deleted when the TTL runs out%n", leaseId,
                    ContextEnding.messageOf(e), key);
        }
    }

    private static Ending watch(CancelableContext ctx, Client client, Options options, PrintStream out)
            throws InterruptedException {
        RangeResponse registered;
        try (CancelableContext dialCtx = ctx.withTimeout(options.connection().dialTimeout())) {
            registered = client.kv().get(dialCtx, bytes(PREFIX), GetOptions.withPrefix());
        } catch (EtcdException e) {
            out.println("watch failed: get of " + PREFIX + " failed: " + e.getMessage());
            return Ending.FAILED;
        } catch (ContextDoneException e) {
            if (!ctx.isDone()) {
                out.println("watch failed: " + options.connection().noResponseMessage());
                return Ending.FAILED;
            }
            out.println("watch stopped: " + ContextEnding.describe(ctx));
            return Ending.STOPPED;
        }
        for (KeyValue service : registered.getKvsList()) {
            printUp(service, out);
        }
        long nextRevision = registered.getHeader().getRevision() + 1;
        Watcher watcher = client.watch().watch(ctx, bytes(PREFIX), WatchOptions.withPrefix().fromRevision(nextRevision));
        out.println("watching " + PREFIX + " from revision " + nextRevision);

        try {
            while (true) {
                WatchResponse response = watcher.next();
                for (Event event : response.getEventsList()) {
                    if (event.getType() == Event.EventType.DELETE) {
                        out.println("down " + serviceName(event.getKv()));
                    } else {
                        printUp(event.getKv(), out);
                    }
                }
            }
        } catch (WatchEndedException e) {
            if (e.end().reason() == WatchEnd.Reason.CONTEXT_DONE) {
                out.println("watch stopped: " + ContextEnding.describe(ctx));
                return Ending.STOPPED;
            }
            out.println("watch failed: " + e.end().reason() + " (" + ContextEnding.messageOf(e.end().cause()) + ")");
            return Ending.FAILED;
        }
    }

    private static void printUp(KeyValue service, PrintStream out) {
        out.println("up " + serviceName(service) + " " + service.getValue().toStringUtf8());
    }

    private static String serviceName(KeyValue service) {
        return service.getKey().toStringUtf8().substring(PREFIX.length());
    }

    private static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }
}
