package io.lessor.examples;

import com.google.protobuf.ByteString;
import io.lessor.api.Compare;
import io.lessor.api.Event;
import io.lessor.api.KeyValue;
import io.lessor.api.LeaseGrantResponse;
import io.lessor.api.PutRequest;
import io.lessor.api.RangeRequest;
import io.lessor.api.RequestOp;
import io.lessor.api.TxnRequest;
import io.lessor.api.TxnResponse;
import io.lessor.api.WatchResponse;
import io.lessor.client.Client;
import io.lessor.client.EtcdException;
import io.lessor.client.KeepAlive;
import io.lessor.client.KeepAliveEndedException;
import io.lessor.client.LeaseNotFoundException;
import io.lessor.client.WatchEnd;
import io.lessor.client.WatchEndedException;
import io.lessor.client.WatchOptions;
import io.lessor.client.Watcher;
import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.context.ContextDoneException;
import io.lessor.context.Registration;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Leader election with a lease and a transaction. Each candidate grants a lease and keeps it
 * alive for as long as it runs. It then tries to create {@code election/NAME} with its id as the
 * value and its lease attached, in a transaction whose compare holds only while the key does not
 * exist ({@code create_revision == 0}). The candidate whose transaction succeeds is the leader.
 * The others read the leader's id in the same transaction, watch the key until it is deleted,
 * and try again.
 *
 * <pre>
 * $ bin/lessor example leader-election --id a &amp;
 * campaigning for election/demo as a with lease 694d9b5ae4a6bd04, TTL 10s
 * leader a
 * $ bin/lessor example leader-election --id b
 * campaigning for election/demo as b with lease 694d9b5ae4a6bd0b, TTL 10s
 * following a
 * leader b                  (within one TTL of kill -9 of a; at once when a stops on Ctrl-C)
 * </pre>
 *
 * <p>The key goes when the leader's lease does: at once when the leader stops cleanly and
 * revokes it, or when the TTL runs out after the leader crashed. A leader also watches its own
 * key, and campaigns again if someone deletes it. Because the key is created only when it does
 * not exist, at any revision the key carries the id of at most one candidate.
 *
 * <p>A candidate exits with status 1 when no server responds to its first request (the lease grant)
 * within the dial timeout, printing {@code campaign failed: no etcd server responded at
 * ENDPOINTS within 5s; start one there or pass --endpoints}. It also exits with status 1 when a
 * request fails, or when its watch of the key ends for a reason other than its own stop.
 *
 * <p>NOTE: a leader that is cut off from the server still prints nothing until its keep-alive
 * ends, up to one TTL later, while another candidate may already lead. Work that must never
 * run twice should also compare the key's create revision in its own transactions.
 */
final class LeaderElectionExample {

    static final String NAME = "leader-election";

    /** The prefix of every election key, so election {@code demo} is decided on {@code election/demo}. */
    static final String PREFIX = "election/";

    /** The maximum time of the revoke on the way out, well within Main's grace period after a signal. */
    static final Duration REVOKE_TIMEOUT = Duration.ofSeconds(3);

    static final String USAGE = """
              leader-election     candidates campaign for election/NAME; the leader prints "leader ID"
                  --id ID         this candidate's id, stored as the key's value (default pid-PID)
                  --election NAME election name; the key is election/NAME (default demo)
                  --ttl D         lease TTL in whole seconds, about the time a crashed leader takes to
                                  be replaced; etcd raises it to at least 2s (default 10s)
            """ + EtcdConnection.USAGE;

    /** The reason a run ended. */
    enum Ending {
        /** Its context ended, as on Ctrl-C, and the lease was revoked. */
        STOPPED,
        /** A request failed, the lease was lost, or the watch of the key ended on its own. */
        FAILED
    }

    /**
     * The example's settings.
     *
     * @param connection the etcd endpoints and the dial timeout
     * @param id this candidate's id, the key's value while it leads
     * @param ttlSeconds the TTL requested for the lease; at least 1
     * @param election the election's name, the part of the key after {@link #PREFIX}
     */
    record Options(EtcdConnection connection, String id, long ttlSeconds, String election) {
        Options {
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(election, "election");
            if (ttlSeconds < 1) {
                throw new IllegalArgumentException("ttlSeconds must be at least 1, got " + ttlSeconds);
            }
        }

        static Options parse(List<String> args) throws UsageException {
            Flags flags = Flags.parse(NAME, args, Set.of("id", "ttl", "endpoints", "election", "dial-timeout"));
            return new Options(
                    EtcdConnection.parse(flags),
                    flags.nonEmptyString("id", "pid-" + ProcessHandle.current().pid()),
                    flags.wholeSeconds("ttl", 10, 1),
                    flags.nonEmptyString("election", "demo"));
        }

        /** Returns the election key, {@code election/NAME}. */
        String key() {
            return PREFIX + election;
        }
    }

    private LeaderElectionExample() {
    }

    /**
     * Campaigns until {@code parent} ends, then revokes the lease, which hands leadership on at
     * once if this candidate leads.
     *
     * @throws InterruptedException if the calling thread is interrupted; the client is closed
     *     before this is thrown, and the lease is left to expire
     */
    static Ending run(Context parent, Options options, PrintStream out) throws InterruptedException {
        try (Client client = options.connection().newClient();
                CancelableContext ctx = parent.withCancel()) {
            LeaseGrantResponse lease;
            try (CancelableContext dialCtx = ctx.withTimeout(options.connection().dialTimeout())) {
                lease = client.lease().grant(dialCtx, options.ttlSeconds());
            } catch (EtcdException e) {
                out.println("campaign failed: lease grant failed: " + e.getMessage());
                return Ending.FAILED;
            } catch (ContextDoneException e) {
                if (!ctx.isDone()) {
                    out.println("campaign failed: " + options.connection().noResponseMessage());
                    return Ending.FAILED;
                }
                out.println("campaign stopped: " + ContextEnding.describe(ctx));
                return Ending.STOPPED;
            }
            out.printf("campaigning for %s as %s with lease %016x, TTL %ds%n", options.key(), options.id(),
                    lease.getID(), lease.getTTL());
            return campaignWhileLeaseLives(ctx, client, options, lease.getID(), out);
        }
    }

    /**
     * Keeps the lease alive and campaigns under a session context that ends with either the
     * example's context or the keep-alive, so that a lost lease also stops a wait for the key.
     */
    private static Ending campaignWhileLeaseLives(CancelableContext ctx, Client client, Options options, long leaseId,
            PrintStream out) throws InterruptedException {
        KeepAlive keepAlive = client.lease().keepAlive(ctx, leaseId);
        Campaign campaign = new Campaign(client, options, leaseId, out);
        RuntimeException failure = null;
        try (CancelableContext session = ctx.withCancel()) {
            Registration link = keepAlive.done().onFire(() -> session.cancel(
                    keepAlive.end().map(end -> (Throwable) new KeepAliveEndedException(leaseId, end))
                            .orElseGet(() -> new IllegalStateException("keep-alive ended without a reason"))));
            try {
                campaign.run(session);
            } catch (ContextDoneException | WatchEndedException | EtcdException e) {
                failure = failureOf(e);
            } finally {
                link.stop();
            }
        }

        if (ctx.isDone()) {
            resign(ctx, client, campaign.isLeader(), options.id(), leaseId, out);
            out.println("campaign stopped: " + ContextEnding.describe(ctx));
            return Ending.STOPPED;
        }
        if (failure != null) {
            resign(ctx, client, campaign.isLeader(), options.id(), leaseId, out);
            out.println("campaign failed: " + failure.getMessage());
            return Ending.FAILED;
        }
        // Only the keep-alive's end is left. The lease has expired or was revoked, or the
        // keep-alive stream failed for good.
        out.printf("campaign failed: keep-alive of lease %016x ended: %s%n", leaseId,
                keepAlive.end().map(end -> end.reason() + " (" + ContextEnding.messageOf(end.cause()) + ")")
                        .orElse("without a reason"));
        return Ending.FAILED;
    }

    /**
     * Returns {@code thrown} if it is a failure of its own, or null if it only reports that the
     * session ended, because the example's context or the keep-alive did.
     */
    static RuntimeException failureOf(RuntimeException thrown) {
        if (thrown instanceof ContextDoneException) {
            return null;
        }
        // A watch also ends on its own, as when its start revision was compacted, and that
        // ends the campaign while the session still runs.
        if (thrown instanceof WatchEndedException ended && ended.end().reason() == WatchEnd.Reason.CONTEXT_DONE) {
            return null;
        }
        return thrown;
    }

    /** Revokes the lease, which deletes the key if this candidate leads, and prints the outcome. */
    private static void resign(Context ctx, Client client, boolean leader, String id, long leaseId, PrintStream out)
            throws InterruptedException {
        // This line is printed before the revoke, so it comes before any line of the next leader.
        if (leader) {
            out.println("resigning as leader " + id);
        }
        // The example's context has usually ended by now, so the revoke runs under a detached
        // context with its own deadline.
        try (CancelableContext revokeCtx = ctx.withoutCancel().withTimeout(REVOKE_TIMEOUT)) {
            client.lease().revoke(revokeCtx, leaseId);
            out.printf("revoked lease %016x%n", leaseId);
        } catch (LeaseNotFoundException e) {
            out.printf("lease %016x was already gone%n", leaseId);
        } catch (EtcdException | ContextDoneException e) {
            out.printf("revoke of lease %016x failed: %s, so it expires when its TTL runs out%n", leaseId,
                    ContextEnding.messageOf(e));
        }
    }

    /** The campaign loop of one candidate, used by one thread. */
    private static final class Campaign {

        private final Client client;
        private final Options options;
        private final long leaseId;
        private final PrintStream out;
        private final ByteString key;
        private boolean leader;
        private String lastLeaderPrinted = "";

        Campaign(Client client, Options options, long leaseId, PrintStream out) {
            this.client = client;
            this.options = options;
            this.leaseId = leaseId;
            this.out = out;
            this.key = ByteString.copyFromUtf8(options.key());
        }

        boolean isLeader() {
            return leader;
        }

        /**
         * Campaigns until the session ends, which ends the loop with a
         * {@link WatchEndedException} or a {@link ContextDoneException}.
         *
         * @throws EtcdException if a transaction fails
         * @throws WatchEndedException if the watch of the key ends, whether with the session or on
         *     its own
         */
        void run(Context session) throws InterruptedException {
            while (true) {
                TxnResponse response = client.kv().txn(session, createIfAbsent());
                long revision = response.getHeader().getRevision();
                if (response.getSucceeded()) {
                    leader = true;
                    lastLeaderPrinted = options.id();
                    out.println("leader " + options.id());
                    awaitDeletion(session, revision);
                    leader = false;
                    out.println("lost leadership: " + options.key() + " was deleted");
                } else {
                    printLeader(response);
                    awaitDeletion(session, revision);
                }
            }
        }

        /**
         * Returns the transaction that puts the key with this candidate's id and lease if the key
         * does not exist, and otherwise reads it, all at one revision.
         */
        private TxnRequest createIfAbsent() {
            Compare absent = Compare.newBuilder()
                    .setKey(key)
                    .setTarget(Compare.CompareTarget.CREATE)
                    .setResult(Compare.CompareResult.EQUAL)
                    .setCreateRevision(0)
                    .build();
            RequestOp put = RequestOp.newBuilder()
                    .setRequestPut(PutRequest.newBuilder()
                            .setKey(key)
                            .setValue(ByteString.copyFromUtf8(options.id()))
                            .setLease(leaseId))
                    .build();
            RequestOp get = RequestOp.newBuilder()
                    .setRequestRange(RangeRequest.newBuilder().setKey(key))
                    .build();
            return TxnRequest.newBuilder().addCompare(absent).addSuccess(put).addFailure(get).build();
        }

        private void printLeader(TxnResponse response) {
            List<KeyValue> current = response.getResponses(0).getResponseRange().getKvsList();
            // The compare failed, so the key existed at this revision and the read returns it.
            String leaderId = current.isEmpty() ? "" : current.get(0).getValue().toStringUtf8();
            if (!leaderId.equals(lastLeaderPrinted)) {
                out.println("following " + leaderId);
                lastLeaderPrinted = leaderId;
            }
        }

        /**
         * Waits until the key is deleted after {@code revision}. The watch starts from the
         * revision after it, so a delete that happens before the watch is set up is reported too.
         */
        private void awaitDeletion(Context session, long revision) throws InterruptedException {
            try (CancelableContext watchCtx = session.withCancel()) {
                Watcher watcher = client.watch().watch(watchCtx, key, WatchOptions.DEFAULT.fromRevision(revision + 1));
                while (true) {
                    WatchResponse response = watcher.next();
                    for (Event event : response.getEventsList()) {
                        if (event.getType() == Event.EventType.DELETE) {
                            return;
                        }
                    }
                }
            }
        }
    }
}
