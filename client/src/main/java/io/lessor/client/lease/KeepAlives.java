package io.lessor.client.lease;

import io.grpc.Channel;
import io.grpc.Status;
import io.lessor.api.LeaseKeepAliveResponse;
import io.lessor.client.ClientClosedException;
import io.lessor.client.EtcdException;
import io.lessor.client.KeepAlive;
import io.lessor.client.KeepAliveEnd;
import io.lessor.client.LeaseNotFoundException;
import io.lessor.context.Clock;
import io.lessor.context.Context;
import io.lessor.context.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keep-alive machinery of one client: every lease that a subscription keeps alive is
 * renewed over ONE shared LeaseKeepAlive stream, by three loops that run under the client's
 * context.
 *
 * <pre>
 *   send loop      every sendPeriod: renew each lease whose next renewal is due
 *   receive loop   opens the stream and handles the responses that the transport thread
 *                  could not (see below). On a broken stream it waits (backoff) and
 *                  reopens, until the client closes
 *   deadline loop  every deadlinePeriod: end the subscriptions of each lease that no
 *                  response renewed within its TTL
 * </pre>
 *
 * <p>A fourth thread, {@link FlowDelivery}, delivers to the Flow subscribers of every lease.
 * The loops and it start with the first {@link #keepAlive} and stop in {@link #close()}.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public final class KeepAlives implements AutoCloseable {

    /*
     * Implementation notes.
     *
     * The algorithm is the one etcd's Go client uses: a response with TTL > 0 renews the lease
     * for TTL/3 and sets its deadline to now + TTL; a response with TTL <= 0 means the lease is
     * gone. Where this differs from etcd's Go client and jetcd 0.8.6:
     *
     * - The next renewal is due TTL/3 after the renewal that got the response was due. Go
     *   counts from the response. Go's period is TTL/3 plus the round trip plus the wait for the next send
     *   tick. With 100,000 leases of TTL 30 s on one stream against etcd 3.4, this client did
     *   the same and renewed about 8,500 leases per second, not the 10,000 that TTL/3 implies.
     *   Counting from the due time keeps the period at TTL/3 on average, and a renewal never
     *   goes out later than Go would send it. A renewal that went out a send period or more late
     *   (a new stream, a slow response) starts the count anew from when it went out, so a lease
     *   that fell behind is not renewed in a burst.
     * - A lease has at most one unanswered renewal per stream. Go sends the renewal again every
     *   sendPeriod until a response comes. But the stream is ordered and reliable: the server
     *   responds to each request or the stream fails, and a new stream renews everything again.
     *   So a second request on the same stream only queues behind the first. With many leases
     *   and a server slower than sendPeriod, those copies grew the client's outgoing queue
     *   faster than it drained. In one run of 100,000 leases against etcd 3.4 on a busy 2-CPU
     *   machine, etcd received 1.38 million requests (about 14 per lease) and every lease
     *   expired. A lease whose renewal gets no response ends at its deadline.
     * - A subscriber's buffer never blocks the receive loop and never moves a renewal: the times
     *   are set before the response is offered, and a full buffer drops the response and counts
     *   it.
     * - Renewals stop when a lease's last subscription ends, for any reason.
     * - Sends, and the removal of a subscription, both happen under `lock`. So once the removal
     *   of a lease's last subscription returns, no renewal of that lease can be sent later, even
     *   by a send loop that was running at that moment.
     * - A broken stream keeps the entries (as Go does, unlike jetcd's observers, which get an
     *   error and then more responses): they are renewed again on the new stream, or end as
     *   LEASE_EXPIRED once their deadline has passed.
     * - Ending a subscription fires its done signal, whose callbacks may be user code, so it
     *   happens after `lock` is released.
     *
     * The send and deadline loops take the due leases from two timing wheels (LeaseWheel), so a
     * tick costs about O(due leases) rather than a scan of all N. With 100,000 leases, the two
     * scans every 500 ms took about a third of the client's CPU. In a profile of the 4-ary
     * heaps that replaced them, the sift-down was the largest cost of the send loop's own code. Each entry links
     * itself into both wheels, so a response moves it in place. The deadline wheel is updated
     * lazily: a response that moves the deadline later leaves the entry where it is, and the
     * deadline loop files it again at its current deadline when its old one comes up. That is
     * about one update per TTL instead of three. A new stream renews every lease at once by
     * walking the table, which happens once per stream.
     *
     * The transport thread that receives a response renews its lease itself when the lock is
     * free (tryRenewOnTransport), which spares a wake-up of the receive loop per batch of
     * responses. It never waits for the lock, because the send loop holds it while it sends a
     * tick's renewals, and it never ends a subscription, because done callbacks are user code.
     * Those responses go to the receive loop instead: the stream hands them over as a batch per
     * wake-up, in lists that take turns.
     *
     * A renewing response allocates nothing of ours once the lists have grown, for a lease with
     * one subscription: the table is keyed by the primitive id, the wheels are intrusive, each
     * entry keeps its renewal request, and the receive loop reuses its lists of receivers. A
     * Flow subscriber gets its responses from one shared delivery thread, which a subscription
     * wakes only when its subscriber has requested more, so a lease has no thread of its own.
     */

    private static final Logger log = LoggerFactory.getLogger(KeepAlives.class);

    /** How long close() waits for each loop to stop. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(1);

    /**
     * Buckets of each wheel, one per loop period: 256 s with the default 500 ms periods. That
     * covers the next renewal of a lease with a TTL of up to 12 minutes and the deadline of one
     * with a TTL of up to 4 minutes. Entries due later than one turn are looked at once per turn.
     */
    private static final int WHEEL_SLOTS = 512;

    private static final Set<Status.Code> RETRYABLE = Set.of(
            Status.Code.OK, Status.Code.UNAVAILABLE, Status.Code.INTERNAL, Status.Code.UNKNOWN,
            Status.Code.DEADLINE_EXCEEDED, Status.Code.CANCELLED, Status.Code.RESOURCE_EXHAUSTED, Status.Code.ABORTED);

    private final Channel channel;
    private final Context clientContext;
    private final Clock clock;
    private final KeepAliveConfig config;

    private final FlowDelivery delivery = new FlowDelivery();

    private final ReentrantLock lock = new ReentrantLock();
    // @GuardedBy("lock")
    private final LeaseTable entries = new LeaseTable();
    // @GuardedBy("lock"): the entries whose last renewal got a response, by their next renewal.
    // An entry leaves it when its renewal is sent.
    private final LeaseWheel renewals;
    // @GuardedBy("lock"): every entry, by its deadline.
    private final LeaseWheel deadlines;
    // Owned by the send loop and the deadline loop: the entries that one tick took from a wheel.
    private final List<LeaseEntry> dueRenewals = new ArrayList<>();
    private final List<LeaseEntry> dueDeadlines = new ArrayList<>();
    // @GuardedBy("lock"): the open stream, or null between attempts.
    private KeepAliveStream stream;
    // @GuardedBy("lock"): empty until the first keepAlive starts the loops.
    private final List<Worker> workers = new ArrayList<>(3);
    // @GuardedBy("lock")
    private boolean closed;
    // Owned by the receive loop: the subscriptions of one batch and the response for each, kept
    // between batches so that a dispatch allocates no list.
    private final List<KeepAliveSubscription> receivers = new ArrayList<>();
    private final List<LeaseKeepAliveResponse> received = new ArrayList<>();

    /**
     * Creates the machinery for a client; no loop runs until the first {@link #keepAlive}.
     *
     * @param channel the client's channel
     * @param clientContext the client's context; the loops run under it and stop when it ends
     * @param config the timing and buffer limits
     */
    public KeepAlives(Channel channel, Context clientContext, KeepAliveConfig config) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.clientContext = Objects.requireNonNull(clientContext, "clientContext");
        this.clock = clientContext.clock();
        this.config = Objects.requireNonNull(config, "config");
        long now = clock.nanoTime();
        this.renewals = new LeaseWheel(LeaseWheel.By.NEXT_RENEWAL, config.sendPeriod().toNanos(), WHEEL_SLOTS, now);
        this.deadlines = new LeaseWheel(LeaseWheel.By.DEADLINE, config.deadlinePeriod().toNanos(), WHEEL_SLOTS, now);
    }

    /**
     * Starts keeping lease {@code leaseId} alive until {@code ctx} ends, and returns the
     * subscription to its responses. Several subscriptions of one lease share its renewals.
     * After {@link #close()} it returns a subscription that has ended with
     * {@link KeepAliveEnd.Reason#CLIENT_CLOSED}.
     */
    public KeepAlive keepAlive(Context ctx, long leaseId) {
        Objects.requireNonNull(ctx, "ctx");
        KeepAliveSubscription subscription = new KeepAliveSubscription(leaseId, config.bufferSize(), delivery, this);

        boolean added = false;
        lock.lock();
        try {
            if (!closed && !clientContext.isDone()) {
                LeaseEntry entry = entries.get(leaseId);
                if (entry == null) {
                    entry = new LeaseEntry(leaseId, clock.nanoTime(), config.firstResponseTimeout().toNanos());
                    entries.add(entry);
                    deadlines.update(entry);
                }
                entry.subscriptions.add(subscription);
                startLoopsLocked();
                added = true;
            }
        } finally {
            lock.unlock();
        }
        if (!added) {
            subscription.finish(KeepAliveEnd.Reason.CLIENT_CLOSED, clientClosed());
            return subscription;
        }

        // Registered after the subscription is in place: a context that has ended already runs
        // the callback now, which removes it again.
        subscription.watchContext(ctx.done().onFire(
                () -> end(subscription, KeepAliveEnd.Reason.CONTEXT_DONE, ctx.cause())));
        sendDue(leaseId);
        return subscription;
    }

    /** Returns how many leases are being renewed. */
    public int leaseCount() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends every subscription with {@link KeepAliveEnd.Reason#CLIENT_CLOSED}, cancels the stream
     * and stops the loops, waiting up to a second for each. Idempotent.
     */
    @Override
    public void close() {
        List<KeepAliveSubscription> ended = new ArrayList<>();
        List<Worker> loops;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (LeaseEntry entry : entries.entries()) {
                ended.addAll(entry.subscriptions);
            }
            clearEntriesLocked();
            if (stream != null) {
                stream.cancel();
                stream = null;
            }
            loops = List.copyOf(workers);
        } finally {
            lock.unlock();
        }

        // The loops stop before the subscriptions end, so that no loop runs while the delivery
        // thread delivers the ends.
        for (Worker loop : loops) {
            if (!loop.stop(STOP_GRACE)) {
                log.warn("keep-alive loop did not stop: loop={} waited-ms={}", loop.name(), STOP_GRACE.toMillis());
            }
        }
        ClientClosedException cause = clientClosed();
        for (KeepAliveSubscription subscription : ended) {
            subscription.finish(KeepAliveEnd.Reason.CLIENT_CLOSED, cause);
        }
        // Flow subscribers get their ends before close() returns, unless one blocks the delivery
        // thread for longer than the grace period.
        delivery.close(STOP_GRACE);
    }

    // ---- the loops ---------------------------------------------------------------------------

    private void startLoopsLocked() {
        assert lock.isHeldByCurrentThread();
        if (!workers.isEmpty()) {
            return;
        }
        delivery.start(clientContext);
        workers.add(Worker.start(clientContext, "lessor-keepalive-receive", this::receiveLoop));
        workers.add(Worker.every(clientContext, "lessor-keepalive-send", config.sendPeriod(), ctx -> sendDue()));
        workers.add(Worker.every(clientContext, "lessor-keepalive-deadline", config.deadlinePeriod(),
                ctx -> endOverdue()));
    }

    /** Sends a renewal for each lease whose next renewal, set by a response, has come. */
    private void sendDue() {
        lock.lock();
        try {
            if (stream == null) {
                // The next stream renews every lease at once.
                return;
            }
            long now = clock.nanoTime();
            renewals.drainDue(now, dueRenewals);
            for (int i = 0; i < dueRenewals.size(); i++) {
                sendIfDueLocked(dueRenewals.get(i), now);
            }
            dueRenewals.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Sends a renewal of every lease, on a stream that has just opened. */
    private void sendAll() {
        lock.lock();
        try {
            if (stream == null) {
                return;
            }
            long now = clock.nanoTime();
            for (LeaseEntry entry : entries.entries()) {
                entry.nextSendNanos = now;
                sendIfDueLocked(entry, now);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends a renewal of one lease if it is due. A new keep-alive sends its first renewal this
     * way, so starting N keep-alives costs O(N), not the O(N^2) of a scan per start.
     */
    private void sendDue(long leaseId) {
        lock.lock();
        try {
            LeaseEntry entry = entries.get(leaseId);
            if (stream != null && entry != null) {
                sendIfDueLocked(entry, clock.nanoTime());
            }
        } finally {
            lock.unlock();
        }
    }

    private void sendIfDueLocked(LeaseEntry entry, long now) {
        assert lock.isHeldByCurrentThread();
        if (entry.nextSendNanos - now > 0 || entry.awaitingOn == stream) {
            return;
        }
        // Out of the renewal wheel until the response puts it back, and a new stream sends it
        // again at once.
        renewals.remove(entry);
        stream.send(entry.request);
        entry.awaitingOn = stream;
        // A renewal that goes out within a send period of its due time counts as sent when it
        // was due, so the wait for the next tick does not add up from one renewal to the next.
        entry.sentNanos = now - entry.nextSendNanos < config.sendPeriod().toNanos() ? entry.nextSendNanos : now;
    }

    private void receiveLoop(Context ctx) throws InterruptedException {
        long backoffNanos = config.minRetryBackoff().toNanos();
        while (!ctx.isDone()) {
            KeepAliveStream opened;
            try {
                opened = KeepAliveStream.open(channel, this);
            } catch (RuntimeException e) {
                // An interceptor or the channel threw while starting the call: retried like a
                // broken stream, so the loop lives on.
                log.warn("keep-alive stream failed to start, retrying: backoff-ms={}", backoffNanos / 1_000_000, e);
                ctx.sleep(Duration.ofNanos(backoffNanos));
                backoffNanos = Math.min(backoffNanos * 2, config.maxRetryBackoff().toNanos());
                continue;
            }
            lock.lock();
            try {
                if (closed) {
                    opened.cancel();
                    return;
                }
                stream = opened;
            } finally {
                lock.unlock();
            }
            // Renew everything at once on a new stream: the old one may have lost requests.
            sendAll();

            Status end;
            boolean responded = false;
            ArrayList<LeaseKeepAliveResponse> spare = new ArrayList<>();
            try {
                while (true) {
                    ArrayList<LeaseKeepAliveResponse> batch = opened.takeBatch(spare);
                    if (batch == null) {
                        end = opened.closedStatus();
                        break;
                    }
                    responded = true;
                    dispatch(batch);
                    batch.clear();
                    spare = batch;
                }
            } finally {
                lock.lock();
                try {
                    if (stream == opened) {
                        stream = null;
                    }
                    opened.cancel();
                } finally {
                    lock.unlock();
                }
            }

            if (ctx.isDone() || isClosed()) {
                return;
            }
            if (!RETRYABLE.contains(end.getCode())) {
                haltAll(end);
            }
            if (responded) {
                backoffNanos = config.minRetryBackoff().toNanos();
            }
            log.info("keep-alive stream ended, reopening: code={} description={} backoff-ms={}",
                    end.getCode(), end.getDescription(), backoffNanos / 1_000_000);
            ctx.sleep(Duration.ofNanos(backoffNanos));
            backoffNanos = Math.min(backoffNanos * 2, config.maxRetryBackoff().toNanos());
        }
    }

    /**
     * Handles one response on the transport thread that received it, if it renews its lease and
     * the lock is free. Returns {@code false} if the caller must queue the response for the
     * receive loop: a response with TTL <= 0 ends subscriptions, whose done callbacks are user
     * code, and a held lock means the send loop is sending a tick's renewals, which the
     * transport thread should not wait for.
     */
    boolean tryRenewOnTransport(KeepAliveStream from, LeaseKeepAliveResponse response) {
        if (response.getTTL() <= 0 || !lock.tryLock()) {
            return false;
        }
        KeepAliveSubscription single = null;
        KeepAliveSubscription[] several = null;
        try {
            if (from != stream) {
                // A stream that closed meanwhile: the next one renews every lease again.
                return true;
            }
            LeaseEntry entry = entries.get(response.getID());
            if (entry == null) {
                // Its last subscription ended while the request was in flight.
                return true;
            }
            renewLocked(entry, response, clock.nanoTime());
            if (entry.subscriptions.size() == 1) {
                single = entry.subscriptions.get(0);
            } else {
                several = entry.subscriptions.toArray(new KeepAliveSubscription[0]);
            }
        } finally {
            lock.unlock();
        }

        // Outside the lock, as in dispatch: a subscription that ends meanwhile drops the response.
        if (single != null) {
            single.offer(response);
        } else {
            for (KeepAliveSubscription subscription : several) {
                subscription.offer(response);
            }
        }
        return true;
    }

    /**
     * Updates the times of each response's lease, then hands each response to the lease's
     * subscriptions, and ends those of each lease that a response reports gone. Runs on the
     * receive loop only, which owns the lists of receivers.
     */
    private void dispatch(List<LeaseKeepAliveResponse> batch) {
        long now = clock.nanoTime();
        List<LeaseEntry> notFound = null;
        lock.lock();
        try {
            for (int i = 0; i < batch.size(); i++) {
                LeaseKeepAliveResponse response = batch.get(i);
                LeaseEntry entry = entries.get(response.getID());
                if (entry == null) {
                    // Its last subscription ended while the request was in flight.
                    continue;
                }
                if (response.getTTL() <= 0) {
                    removeLocked(entry);
                    if (notFound == null) {
                        notFound = new ArrayList<>();
                    }
                    notFound.add(entry);
                    continue;
                }
                renewLocked(entry, response, now);
                for (int s = 0; s < entry.subscriptions.size(); s++) {
                    receivers.add(entry.subscriptions.get(s));
                    received.add(response);
                }
            }
        } finally {
            lock.unlock();
        }

        // Outside the lock: a subscription that ends meanwhile drops the response.
        for (int i = 0; i < receivers.size(); i++) {
            receivers.get(i).offer(received.get(i));
        }
        receivers.clear();
        received.clear();
        if (notFound != null) {
            LeaseNotFoundException cause = new LeaseNotFoundException(LeaseNotFoundException.MESSAGE, null);
            for (LeaseEntry entry : notFound) {
                for (KeepAliveSubscription subscription : entry.subscriptions) {
                    subscription.finish(KeepAliveEnd.Reason.LEASE_NOT_FOUND, cause);
                }
            }
        }
    }

    /** Sets the times of {@code entry} from a response with TTL > 0 that arrived at {@code now}. */
    private void renewLocked(LeaseEntry entry, LeaseKeepAliveResponse response, long now) {
        assert lock.isHeldByCurrentThread();
        long ttlNanos = response.getTTL() * 1_000_000_000L;
        entry.ttlSeconds = response.getTTL();
        entry.awaitingOn = null;
        entry.nextSendNanos = entry.sentNanos + ttlNanos / 3;
        entry.deadlineNanos = now + ttlNanos;
        renewals.update(entry);
        if (entry.deadlineNanos - entry.deadlineKeyNanos < 0) {
            // Earlier than where the entry is filed, such as a TTL shorter than the
            // first-response timeout, so it moves now. A later deadline waits for the loop.
            entry.deadlineKeyNanos = entry.deadlineNanos;
            deadlines.update(entry);
        }
    }

    /** Ends the subscriptions of every lease whose deadline has passed. */
    private void endOverdue() {
        long now = clock.nanoTime();
        List<LeaseEntry> overdue = new ArrayList<>();
        lock.lock();
        try {
            deadlines.drainDue(now, dueDeadlines);
            for (int i = 0; i < dueDeadlines.size(); i++) {
                LeaseEntry entry = dueDeadlines.get(i);
                if (entry.deadlineNanos - now > 0) {
                    // Renewed since it was filed: filed again at its current deadline.
                    entry.deadlineKeyNanos = entry.deadlineNanos;
                    deadlines.update(entry);
                    continue;
                }
                removeLocked(entry);
                overdue.add(entry);
            }
        } finally {
            dueDeadlines.clear();
            lock.unlock();
        }

        for (LeaseEntry entry : overdue) {
            String limit = entry.ttlSeconds > 0
                    ? "its TTL of " + entry.ttlSeconds + " s"
                    : "the first-response timeout of " + config.firstResponseTimeout();
            TimeoutException cause = new TimeoutException(String.format(
                    "lease %016x was not renewed within %s; it has expired on the server", entry.leaseId, limit));
            log.warn("keep-alive ended, lease not renewed in time: lease-id={} limit={}",
                    String.format("%016x", entry.leaseId), limit);
            for (KeepAliveSubscription subscription : entry.subscriptions) {
                subscription.finish(KeepAliveEnd.Reason.LEASE_EXPIRED, cause);
            }
        }
    }

    /** Ends every subscription after a stream error that retrying cannot fix. */
    private void haltAll(Status status) {
        List<KeepAliveSubscription> halted = new ArrayList<>();
        lock.lock();
        try {
            for (LeaseEntry entry : entries.entries()) {
                halted.addAll(entry.subscriptions);
            }
            clearEntriesLocked();
        } finally {
            lock.unlock();
        }
        EtcdException cause = EtcdException.from(status.asRuntimeException());
        log.warn("keep-alive halted: code={} description={} subscriptions={}",
                status.getCode(), status.getDescription(), halted.size());
        for (KeepAliveSubscription subscription : halted) {
            subscription.finish(KeepAliveEnd.Reason.HALTED, cause);
        }
    }

    /** Removes {@code subscription} from its lease, then ends it; the lease's renewals stop with its last one. */
    void end(KeepAliveSubscription subscription, KeepAliveEnd.Reason reason, Throwable cause) {
        lock.lock();
        try {
            LeaseEntry entry = entries.get(subscription.leaseId());
            if (entry != null && entry.subscriptions.remove(subscription) && entry.subscriptions.isEmpty()) {
                removeLocked(entry);
            }
        } finally {
            lock.unlock();
        }
        subscription.finish(reason, cause);
    }

    /** Removes one entry from the table and from both wheels. */
    private void removeLocked(LeaseEntry entry) {
        assert lock.isHeldByCurrentThread();
        entries.remove(entry);
        renewals.remove(entry);
        deadlines.remove(entry);
    }

    /** Removes every entry from the table and from both wheels. */
    private void clearEntriesLocked() {
        assert lock.isHeldByCurrentThread();
        entries.clear();
        renewals.clear();
        deadlines.clear();
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    private static ClientClosedException clientClosed() {
        return new ClientClosedException("the client was closed");
    }
}
