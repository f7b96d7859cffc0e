package io.lessor.compat;

import static io.lessor.compat.support.Requests.bytes;
import static io.lessor.compat.support.Requests.delete;
import static io.lessor.compat.support.Requests.grant;
import static io.lessor.compat.support.Requests.prefixEnd;
import static io.lessor.compat.support.Requests.put;
import static io.lessor.compat.support.Requests.revoke;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.gson.JsonParser;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.lessor.api.CompactionRequest;
import io.lessor.api.KVGrpc;
import io.lessor.api.PutResponse;
import io.lessor.api.Event;
import io.lessor.api.WatchCancelRequest;
import io.lessor.api.WatchCreateRequest;
import io.lessor.api.WatchProgressRequest;
import io.lessor.api.WatchRequest;
import io.lessor.api.WatchResponse;
import io.lessor.compat.support.Differential;
import io.lessor.compat.support.Etcdctl;
import io.lessor.compat.support.OnBothTargets;
import io.lessor.compat.support.StreamRecorder;
import io.lessor.compat.support.Target;
import io.lessor.compat.support.TargetKind;
import io.lessor.compat.support.Transcript;
import io.lessor.testing.LeakCheckExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Watch service through raw gRPC, {@code etcdctl watch} and jetcd's Watch client. The
 * scenarios cover keys, ranges, past and future start revisions, filters, watch ids, cancels,
 * progress requests, compaction, lease revocation and expiry, and a server restart. Responses are
 * compared with their header revision.
 *
 * <p>Watch ids are compared as the servers send them, because etcd numbers automatic ids
 * deterministically (from 0 per stream, skipping ids the client chose). Where one stream has
 * several watchers, the responses are sorted by watch id before they are recorded, because
 * etcd sends the responses of different watchers for one revision in no fixed order.
 */
@ExtendWith(LeakCheckExtension.class)
class WatchCompatTest {

    private static final Duration STREAM_WAIT = Duration.ofSeconds(5);

    /** How long a stream must stay silent to count as having sent nothing more. */
    private static final Duration QUIET = Duration.ofMillis(300);

    private static final long CALL_TIMEOUT_SECONDS = 10;

    @RegisterExtension
    final Differential differential = new Differential();

    // ---- raw gRPC --------------------------------------------------------------------------------

    @OnBothTargets
    void keyPrefixAndAllKeys(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            out.call("put other", () -> target.kv().put(put("other", "x")));

            // given watchers on one key, on a prefix and on every key, on one stream
            StreamRecorder<WatchResponse> watch = new StreamRecorder<>();
            StreamObserver<WatchRequest> requests = target.watchAsync().watch(watch);
            requests.onNext(create(WatchCreateRequest.newBuilder().setKey(bytes("w/a"))));
            out.record("created key", watch.next(STREAM_WAIT));
            requests.onNext(create(prefix("w/")));
            out.record("created prefix", watch.next(STREAM_WAIT));
            requests.onNext(create(WatchCreateRequest.newBuilder().setKey(bytes("\0")).setRangeEnd(bytes("\0"))));
            out.record("created all keys", watch.next(STREAM_WAIT));

            // when keys inside and outside the prefix change
            target.kv().put(put("w/a", "1"));
            target.kv().put(put("w/b", "2"));
            target.kv().put(put("other", "y"));
            target.kv().deleteRange(delete("w/a"));

            // then each watcher gets one response per revision that it covers: 2 + 3 + 4
            recordSortedByWatchId(out, "events", watch, 9);
            recordNothingMore(out, "after events", watch);
            watch.cancel();
        });

        assertThat(t.response("events 0", WatchResponse.class).getWatchId()).isZero();
        assertThat(t.response("events 8", WatchResponse.class).getWatchId()).isEqualTo(2);
        assertThat(t.response("events 8", WatchResponse.class).getHeader().getRevision()).isEqualTo(6);
        assertThat(t.noteText("after events")).isEqualTo("nothing");
    }

    @OnBothTargets
    void startRevisionPastCurrentAndFuture(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            target.kv().put(put("w/a", "1"));
            target.kv().put(put("w/b", "1"));
            target.kv().put(put("w/a", "2"));
            out.call("delete at 5", () -> target.kv().deleteRange(delete("w/b")));

            // given watchers that start at 2 (replay), at the current revision 5, and at 7
            StreamRecorder<WatchResponse> past = openWatch(target, prefix("w/").setStartRevision(2));
            out.record("past: created", past.next(STREAM_WAIT));
            out.record("past: replay", past.next(STREAM_WAIT));
            StreamRecorder<WatchResponse> current = openWatch(target, prefix("w/").setStartRevision(5));
            out.record("current: created", current.next(STREAM_WAIT));
            out.record("current: revision 5", current.next(STREAM_WAIT));
            StreamRecorder<WatchResponse> future = openWatch(target, prefix("w/").setStartRevision(7));
            out.record("future: created", future.next(STREAM_WAIT));

            // when revisions 6 and 7 are written
            target.kv().put(put("w/c", "1"));
            target.kv().put(put("w/c", "2"));

            // then the future watcher starts at 7 and the others get both
            out.record("past: revision 6", past.next(STREAM_WAIT));
            out.record("past: revision 7", past.next(STREAM_WAIT));
            out.record("current: revision 6", current.next(STREAM_WAIT));
            out.record("current: revision 7", current.next(STREAM_WAIT));
            out.record("future: revision 7", future.next(STREAM_WAIT));
            recordNothingMore(out, "at the end", past, current, future);
            past.cancel();
            current.cancel();
            future.cancel();
        });

        WatchResponse replay = t.response("past: replay", WatchResponse.class);
        assertThat(replay.getEventsList()).extracting(e -> e.getKv().getModRevision()).containsExactly(2L, 3L, 4L, 5L);
        assertThat(replay.getHeader().getRevision()).isEqualTo(5);
        assertThat(t.response("future: revision 7", WatchResponse.class).getEvents(0).getKv().getModRevision())
                .isEqualTo(7);
    }

    @OnBothTargets
    void prevKvAndFilters(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            // given watchers with prev_kv, with NOPUT and with NODELETE on one stream
            StreamRecorder<WatchResponse> watch = new StreamRecorder<>();
            StreamObserver<WatchRequest> requests = target.watchAsync().watch(watch);
            requests.onNext(create(WatchCreateRequest.newBuilder().setKey(bytes("w/k")).setPrevKv(true)));
            out.record("created prev_kv", watch.next(STREAM_WAIT));
            requests.onNext(create(WatchCreateRequest.newBuilder().setKey(bytes("w/k"))
                    .addFilters(WatchCreateRequest.FilterType.NOPUT)));
            out.record("created NOPUT", watch.next(STREAM_WAIT));
            requests.onNext(create(WatchCreateRequest.newBuilder().setKey(bytes("w/k"))
                    .addFilters(WatchCreateRequest.FilterType.NODELETE)));
            out.record("created NODELETE", watch.next(STREAM_WAIT));

            // when the key is created, updated and deleted
            target.kv().put(put("w/k", "v1"));
            target.kv().put(put("w/k", "v2"));
            target.kv().deleteRange(delete("w/k"));

            // then prev_kv gets 3 responses, NOPUT 1, NODELETE 2
            recordSortedByWatchId(out, "events", watch, 6);
            recordNothingMore(out, "after events", watch);
            watch.cancel();
        });

        WatchResponse deleteWithPrev = t.response("events 2", WatchResponse.class);
        assertThat(deleteWithPrev.getEvents(0).getType()).isEqualTo(Event.EventType.DELETE);
        assertThat(deleteWithPrev.getEvents(0).getPrevKv().getValue().toStringUtf8()).isEqualTo("v2");
        assertThat(t.response("events 3", WatchResponse.class).getEvents(0).getType())
                .isEqualTo(Event.EventType.DELETE);
    }

    @OnBothTargets
    void watchIdsCancelAndProgress(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            StreamRecorder<WatchResponse> watch = new StreamRecorder<>();
            StreamObserver<WatchRequest> requests = target.watchAsync().watch(watch);

            // given watchers with a chosen id, a duplicate of it, automatic ids and an empty range
            requests.onNext(create(WatchCreateRequest.newBuilder().setKey(bytes("w/a")).setWatchId(7)));
            out.record("create id 7", watch.next(STREAM_WAIT));
            requests.onNext(create(WatchCreateRequest.newBuilder().setKey(bytes("w/b")).setWatchId(7)));
            out.record("create id 7 again", watch.next(STREAM_WAIT));
            requests.onNext(create(WatchCreateRequest.newBuilder().setKey(bytes("w/c"))));
            out.record("create automatic id", watch.next(STREAM_WAIT));
            requests.onNext(create(WatchCreateRequest.newBuilder().setKey(bytes("w/d")).setWatchId(1)));
            out.record("create id 1", watch.next(STREAM_WAIT));
            requests.onNext(create(WatchCreateRequest.newBuilder().setKey(bytes("w/e"))));
            out.record("create automatic id after 1", watch.next(STREAM_WAIT));
            requests.onNext(create(WatchCreateRequest.newBuilder().setKey(bytes("w/z")).setRangeEnd(bytes("w/a"))));
            out.record("create empty range", watch.next(STREAM_WAIT));

            target.kv().put(put("w/a", "1"));
            out.record("event for id 7", watch.next(STREAM_WAIT));

            // when id 7 is cancelled, then it gets no more events
            requests.onNext(WatchRequest.newBuilder()
                    .setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(7)).build());
            out.record("cancel 7", watch.next(STREAM_WAIT));
            target.kv().put(put("w/a", "2"));

            // and a progress request reports revision 3 without any event before it
            requests.onNext(WatchRequest.newBuilder()
                    .setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
            out.record("progress", watch.next(STREAM_WAIT));

            // and a cancel of an unknown id gets no response, so the next one is w/c's event
            requests.onNext(WatchRequest.newBuilder()
                    .setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(99)).build());
            target.kv().put(put("w/c", "1"));
            out.record("event for automatic id", watch.next(STREAM_WAIT));
            recordNothingMore(out, "at the end", watch);
            watch.cancel();
        });

        WatchResponse duplicate = t.response("create id 7 again", WatchResponse.class);
        assertThat(duplicate.getWatchId()).isEqualTo(-1);
        assertThat(duplicate.getCanceled()).isTrue();
        assertThat(t.response("create automatic id after 1", WatchResponse.class).getWatchId()).isEqualTo(2);
        WatchResponse progress = t.response("progress", WatchResponse.class);
        assertThat(progress.getWatchId()).isEqualTo(-1);
        assertThat(progress.getHeader().getRevision()).isEqualTo(3);
        assertThat(progress.getEventsCount()).isZero();
    }

    @OnBothTargets
    void startBelowCompactedRevision(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            for (int i = 1; i <= 4; i++) {
                target.kv().put(put("w/a", "v" + i));
            }
            out.call("compact at 4", () -> target.kv().compact(
                    CompactionRequest.newBuilder().setRevision(4).setPhysical(true).build()));

            // given a watcher that starts below the compacted revision, then it is cancelled
            StreamRecorder<WatchResponse> below = openWatch(target,
                    WatchCreateRequest.newBuilder().setKey(bytes("w/a")).setStartRevision(2));
            out.record("below: created", below.next(STREAM_WAIT));
            out.record("below: canceled", below.next(STREAM_WAIT));

            // given a watcher that starts at the compacted revision, then it gets revisions 4 and 5,
            // which etcd 3.4.23 sends in one response
            StreamRecorder<WatchResponse> at = openWatch(target,
                    WatchCreateRequest.newBuilder().setKey(bytes("w/a")).setStartRevision(4));
            out.record("at: created", at.next(STREAM_WAIT));
            List<WatchResponse> responses = new ArrayList<>();
            while (responses.isEmpty() || lastModRevision(responses.getLast()) < 5) {
                responses.add(at.next(STREAM_WAIT));
            }
            for (int i = 0; i < responses.size(); i++) {
                out.record("at: events " + i, responses.get(i));
            }
            recordNothingMore(out, "at the end", below, at);
            below.cancel();
            at.cancel();
        });

        WatchResponse canceled = t.response("below: canceled", WatchResponse.class);
        assertThat(canceled.getCanceled()).isTrue();
        assertThat(canceled.getCompactRevision()).isEqualTo(4);
        WatchResponse events = t.response("at: events 0", WatchResponse.class);
        assertThat(events.getEventsList()).extracting(e -> e.getKv().getModRevision()).containsExactly(4L, 5L);
        assertThat(t.noteText("at the end")).isEqualTo("nothing");
    }

    @OnBothTargets
    void catchUpSendsThousandRevisionsPerResponse(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            // given 1200 revisions that alternate a put and a delete of w/k, then one of w/other
            for (int i = 0; i < 600; i++) {
                target.kv().put(put("w/k", "v" + i));
                target.kv().deleteRange(delete("w/k"));
            }
            target.kv().put(put("w/other", "x"));

            // when watchers of w/k start at revision 1: one of every event, one without deletes
            StreamRecorder<WatchResponse> all = openWatch(target,
                    WatchCreateRequest.newBuilder().setKey(bytes("w/k")).setStartRevision(1));
            out.record("all: created", all.next(STREAM_WAIT));
            StreamRecorder<WatchResponse> puts = openWatch(target, WatchCreateRequest.newBuilder()
                    .setKey(bytes("w/k")).setStartRevision(1).addFilters(WatchCreateRequest.FilterType.NODELETE));
            out.record("puts: created", puts.next(STREAM_WAIT));

            // then each gets 1000 revisions in one response and the other 200 in a second, with
            // the current revision in both headers. The filter does not change the grouping.
            out.record("all: first", all.next(STREAM_WAIT));
            out.record("all: second", all.next(STREAM_WAIT));
            out.record("puts: first", puts.next(STREAM_WAIT));
            out.record("puts: second", puts.next(STREAM_WAIT));
            recordNothingMore(out, "at the end", all, puts);
            all.cancel();
            puts.cancel();
        });

        assertThat(t.response("all: first", WatchResponse.class).getEventsCount()).isEqualTo(1000);
        assertThat(t.response("all: second", WatchResponse.class).getEventsCount()).isEqualTo(200);
        assertThat(t.response("all: second", WatchResponse.class).getHeader().getRevision()).isEqualTo(1202);
        assertThat(t.response("puts: first", WatchResponse.class).getEventsCount()).isEqualTo(500);
        assertThat(t.response("puts: second", WatchResponse.class).getEventsCount()).isEqualTo(100);
        assertThat(t.noteText("at the end")).isEqualTo("nothing");
    }

    @OnBothTargets
    void catchUpCountsOnlyRevisionsInRange(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            // given three puts of w/a with 1100 revisions of other keys around them
            target.kv().put(put("w/a", "1"));
            putOtherKeys(target, 600);
            target.kv().put(put("w/a", "2"));
            putOtherKeys(target, 500);
            target.kv().put(put("w/a", "3"));

            // when watchers start at revision 1, on one stream: one on w/a and one on the prefix
            StreamRecorder<WatchResponse> watch = new StreamRecorder<>();
            StreamObserver<WatchRequest> requests = target.watchAsync().watch(watch);
            requests.onNext(create(WatchCreateRequest.newBuilder().setKey(bytes("w/a")).setStartRevision(1)));
            out.record("key: created", watch.next(STREAM_WAIT));
            requests.onNext(create(prefix("w/").setStartRevision(1)));

            // then the key watcher gets its three revisions in one response, because the other
            // keys' revisions do not count, and the prefix watcher gets 1000 revisions, then 103.
            // The key watcher's replay may come before or after the prefix watcher's created
            // response: each server catches up on its own schedule (etcd every 100 ms).
            List<WatchResponse> next = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                next.add(watch.next(STREAM_WAIT));
            }
            WatchResponse prefixCreated = next.stream().filter(WatchResponse::getCreated).findFirst().orElseThrow();
            next.remove(prefixCreated);
            next.sort(Comparator.comparingLong(WatchResponse::getWatchId));
            out.record("prefix: created", prefixCreated);
            for (int i = 0; i < next.size(); i++) {
                out.record("replay " + i, next.get(i));
            }
            recordNothingMore(out, "at the end", watch);
            watch.cancel();
        });

        WatchResponse key = t.response("replay 0", WatchResponse.class);
        assertThat(key.getEventsList()).extracting(e -> e.getKv().getModRevision()).containsExactly(2L, 603L, 1104L);
        assertThat(key.getHeader().getRevision()).isEqualTo(1104);
        assertThat(t.response("replay 1", WatchResponse.class).getEventsCount()).isEqualTo(1000);
        assertThat(t.response("replay 2", WatchResponse.class).getEventsCount()).isEqualTo(103);
    }

    @OnBothTargets
    void revokeSendsThreeDeletesInOneResponse(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            long leaseId = putThreeKeysOnLease(target, out, 60);
            StreamRecorder<WatchResponse> watch = openWatch(target, prefix("lw/"));
            out.record("created", watch.next(STREAM_WAIT));

            out.call("revoke", () -> target.lease().leaseRevoke(revoke(leaseId)));

            out.record("deletes", watch.next(STREAM_WAIT));
            recordNothingMore(out, "after deletes", watch);
            watch.cancel();
        });

        assertThreeDeletesAtRevision5(t.response("deletes", WatchResponse.class));
    }

    @OnBothTargets
    void expirySendsThreeDeletesInOneResponse(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            putThreeKeysOnLease(target, out, 2);
            StreamRecorder<WatchResponse> watch = openWatch(target, prefix("lw/"));
            out.record("created", watch.next(STREAM_WAIT));

            // The lease expires about 2 s after the grant. The longer wait leaves room for the
            // server's periodic expiry check.
            out.record("deletes", watch.next(Duration.ofSeconds(10)));
            recordNothingMore(out, "after deletes", watch);
            watch.cancel();
        });

        assertThreeDeletesAtRevision5(t.response("deletes", WatchResponse.class));
    }

    @OnBothTargets
    void streamEndsWhenServerStops(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            StreamRecorder<WatchResponse> watch = openWatch(target, prefix("w/"));
            out.record("created", watch.next(STREAM_WAIT));

            target.stopServer();
            try {
                Status end = watch.awaitEnd(Duration.ofSeconds(15));
                // Only the code is compared. etcd drops the connection, which grpc-java reports
                // as "Network closed for unknown reason"; Lessor ends each stream with etcd's own
                // "etcdserver: server stopped" first, on purpose, so clients can tell why.
                out.note("stream end code", end.getCode());
                if (kind == TargetKind.LESSOR) {
                    assertThat(end.getDescription()).isEqualTo("etcdserver: server stopped");
                }
            } finally {
                target.startAgain();
            }
        });

        assertThat(t.noteText("stream end code")).isEqualTo(Status.Code.UNAVAILABLE.toString());
    }

    // ---- etcdctl ---------------------------------------------------------------------------------

    @OnBothTargets
    void etcdctlWatchWhileAnotherWrites(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            Etcdctl etcdctl = new Etcdctl(target.endpoint(), differential.workDir());
            etcdctl.run("put", "ew/a", "1");
            etcdctl.run("put", "ew/b", "1");

            // given two watches from revision 2, one printing JSON and one text with prev-kv
            try (Etcdctl.Started json = etcdctl.start("watch", "ew/", "--prefix", "--prev-kv", "--rev", "2",
                    "-w", "json");
                    Etcdctl.Started text = etcdctl.start("watch", "ew/", "--prefix", "--prev-kv", "--rev", "2")) {
                // A watch prints nothing when it is created, so the replay of revisions 2 and 3
                // shows that it is running.
                awaitLines(json, 1);
                awaitLines(text, 6);

                // when another etcdctl writes, one revision at a time
                etcdctl.run("put", "ew/a", "2");
                awaitLines(json, 2);
                etcdctl.run("del", "ew/b");
                awaitLines(json, 3);
                etcdctl.run("put", "other", "1");
                etcdctl.run("put", "ew/c", "1");
                awaitLines(json, 4);
                // A put without a previous value prints 3 lines, and a put or delete with one prints 5.
                awaitLines(text, 3 + 3 + 5 + 5 + 3);

                // then both printed the same lines on both servers
                List<String> jsonLines = json.stdoutLines();
                for (int i = 0; i < jsonLines.size(); i++) {
                    out.note("json line " + i, out.normalizer().normalizeJson(JsonParser.parseString(jsonLines.get(i))));
                }
                out.note("text", String.join("\n", text.stdoutLines()));
                out.note("json still running", json.process().isAlive());
                out.note("text still running", text.process().isAlive());
                out.note("json stderr", out.normalizer().normalizeStderr(json.stderr()));
                out.note("text stderr", out.normalizer().normalizeStderr(text.stderr()));
            }
        });

        assertThat(t.noteText("json line 0")).contains("\"Events\"");
        assertThat(t.noteText("json still running")).isEqualTo("true");
        assertThat(t.noteText("text")).startsWith("PUT\new/a\n1\nPUT\new/b\n1\n");
    }

    // ---- jetcd -----------------------------------------------------------------------------------

    @OnBothTargets
    void jetcdWatchSeesPutsAndDeletes(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            try (Client client = Client.builder().endpoints(target.endpoint()).build()) {
                KV kv = client.getKVClient();
                kv.put(jetcdBytes("jw/a"), jetcdBytes("0")).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);

                // given a live watch with prev-kv and a watch that replays from revision 2
                List<String> live = new CopyOnWriteArrayList<>();
                AtomicBoolean liveCreated = new AtomicBoolean();
                List<String> replayed = new CopyOnWriteArrayList<>();
                List<String> errors = new CopyOnWriteArrayList<>();
                WatchOption liveOption = WatchOption.builder().isPrefix(true).withPrevKV(true).withCreateNotify(true)
                        .build();
                WatchOption replayOption = WatchOption.builder().isPrefix(true).withRevision(2).build();
                try (Watch.Watcher liveWatcher = client.getWatchClient().watch(jetcdBytes("jw/"), liveOption,
                                Watch.listener(r -> {
                                    if (r.isCreatedNotify()) {
                                        liveCreated.set(true);
                                    }
                                    r.getEvents().forEach(e -> live.add(describe(e)));
                                }, e -> errors.add(describe(e))));
                        Watch.Watcher replayWatcher = client.getWatchClient().watch(jetcdBytes("jw/"), replayOption,
                                Watch.listener(r -> r.getEvents().forEach(e -> replayed.add(describe(e))),
                                        e -> errors.add(codeOf(e))))) {
                    // The live watch passes on its created response, and the replay shows that the other runs.
                    await().atMost(STREAM_WAIT).until(() -> liveCreated.get() && replayed.size() == 1);

                    // when keys are put and deleted
                    kv.put(jetcdBytes("jw/a"), jetcdBytes("1")).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    kv.put(jetcdBytes("jw/b"), jetcdBytes("2")).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    kv.delete(jetcdBytes("jw/a")).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    kv.put(jetcdBytes("other"), jetcdBytes("3")).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    kv.delete(jetcdBytes("jw/b")).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);

                    // then both see the four changes under the prefix
                    await().atMost(STREAM_WAIT).until(() -> live.size() >= 4 && replayed.size() >= 5);
                    Thread.sleep(QUIET.toMillis());
                }
                out.note("live events", String.join("\n", live));
                out.note("replayed events", String.join("\n", replayed));
                out.note("listener errors", errors);
            }
        });

        assertThat(t.noteText("live events").lines()).hasSize(4);
        assertThat(t.noteText("replayed events").lines()).hasSize(5);
        assertThat(t.noteText("listener errors")).isEqualTo("[]");
    }

    @OnBothTargets
    void jetcdWatchResumesAfterRestart(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            try (Client client = Client.builder().endpoints(target.endpoint()).build()) {
                List<Long> revisions = new CopyOnWriteArrayList<>();
                List<String> errors = new CopyOnWriteArrayList<>();
                WatchOption option = WatchOption.builder().isPrefix(true).withRevision(2).build();
                try (Watch.Watcher watcher = client.getWatchClient().watch(jetcdBytes("jr/"), option,
                        Watch.listener(r -> r.getEvents().forEach(e -> revisions.add(e.getKeyValue().getModRevision())),
                                e -> errors.add(codeOf(e))))) {
                    // given events of revisions 2 to 4 seen before the restart
                    for (int i = 1; i <= 3; i++) {
                        target.kv().put(put("jr/" + i, "v"));
                    }
                    await().atMost(STREAM_WAIT).until(() -> revisions.size() >= 3);
                    out.note("revisions before restart", List.copyOf(revisions));

                    // when the server restarts on the same data, and keys are written before jetcd reconnects
                    target.restart(Duration.ZERO);
                    for (int i = 4; i <= 6; i++) {
                        target.kv().put(put("jr/" + i, "v"));
                    }

                    // then jetcd resumes after the last revision it saw: nothing lost, nothing twice
                    await().atMost(Duration.ofSeconds(20)).until(() -> revisions.size() >= 6);
                    Thread.sleep(QUIET.toMillis());
                }
                out.note("revisions after restart", List.copyOf(revisions));
                // jetcd reports the broken stream to the listener, then resumes by itself. The
                // codes are compared, not the texts, which differ as in streamEndsWhenServerStops.
                out.note("listener errors", errors);
            }
        });

        assertThat(t.noteText("revisions before restart")).isEqualTo("[2, 3, 4]");
        assertThat(t.noteText("revisions after restart"))
                .isEqualTo(LongStream.rangeClosed(2, 7).boxed().toList().toString());
        assertThat(t.noteText("listener errors")).startsWith("[UNAVAILABLE");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static WatchRequest create(WatchCreateRequest.Builder request) {
        return WatchRequest.newBuilder().setCreateRequest(request).build();
    }

    private static WatchCreateRequest.Builder prefix(String prefix) {
        return WatchCreateRequest.newBuilder().setKey(bytes(prefix)).setRangeEnd(prefixEnd(prefix));
    }

    /** Opens a Watch stream with one create request; the caller reads the created response. */
    private static StreamRecorder<WatchResponse> openWatch(Target target, WatchCreateRequest.Builder request) {
        StreamRecorder<WatchResponse> watch = new StreamRecorder<>();
        target.watchAsync().watch(watch).onNext(create(request));
        return watch;
    }

    /**
     * Reads {@code count} responses, sorts them by watch id and records them as
     * "label 0", "label 1" and so on. The sort is stable, so each watcher's responses stay in
     * the order they arrived.
     */
    private static void recordSortedByWatchId(Transcript out, String label, StreamRecorder<WatchResponse> watch,
            int count) throws InterruptedException {
        List<WatchResponse> responses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            responses.add(watch.next(STREAM_WAIT));
        }
        responses.sort(Comparator.comparingLong(WatchResponse::getWatchId));
        for (int i = 0; i < count; i++) {
            out.record(label + " " + i, responses.get(i));
        }
    }

    /** Waits {@link #QUIET}, then notes "nothing" or the responses that any of the streams sent meanwhile. */
    @SafeVarargs
    private static void recordNothingMore(Transcript out, String label, StreamRecorder<WatchResponse>... watches)
            throws InterruptedException {
        Thread.sleep(QUIET.toMillis());
        List<String> extra = new ArrayList<>();
        for (StreamRecorder<WatchResponse> watch : watches) {
            for (WatchResponse r = watch.poll(Duration.ZERO); r != null; r = watch.poll(Duration.ZERO)) {
                extra.add(out.normalizer().normalize(r).toString().replace('\n', ' '));
            }
        }
        out.note(label, extra.isEmpty() ? "nothing" : String.join(" | ", extra));
    }

    /**
     * Puts {@code count} revisions under w/o/, many in flight at once. All have the same key and
     * value, so the revisions read the same on both servers whatever order they commit in.
     */
    private static void putOtherKeys(Target target, int count) throws Exception {
        KVGrpc.KVFutureStub async = KVGrpc.newFutureStub(target.channel()).withDeadlineAfter(Target.RPC_DEADLINE);
        List<ListenableFuture<PutResponse>> puts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            puts.add(async.put(put("w/o/x", "v")));
        }
        for (ListenableFuture<PutResponse> put : puts) {
            put.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static long lastModRevision(WatchResponse response) {
        return response.getEventsCount() == 0 ? 0 : response.getEvents(response.getEventsCount() - 1).getKv()
                .getModRevision();
    }

    /** Grants a lease (revision unchanged) and puts lw/c, lw/a, lw/b on it at revisions 2 to 4. */
    private static long putThreeKeysOnLease(Target target, Transcript out, long ttlSeconds) {
        long leaseId = target.lease().leaseGrant(grant(ttlSeconds)).getID();
        out.alias(leaseId);
        for (String key : new String[] {"lw/c", "lw/a", "lw/b"}) {
            target.kv().put(put(key, "v", leaseId));
        }
        return leaseId;
    }

    private static void assertThreeDeletesAtRevision5(WatchResponse deletes) {
        assertThat(deletes.getHeader().getRevision()).isEqualTo(5);
        assertThat(deletes.getEventsList()).extracting(e -> e.getKv().getKey().toStringUtf8())
                .containsExactly("lw/a", "lw/b", "lw/c");
        assertThat(deletes.getEventsList()).extracting(Event::getType).containsOnly(Event.EventType.DELETE);
        assertThat(deletes.getEventsList()).extracting(e -> e.getKv().getModRevision()).containsOnly(5L);
    }

    /**
     * Waits until {@code watch} has printed at least {@code lines} lines, or 5 s. It does not fail
     * on timeout, so that the transcripts show what each server's watch printed.
     */
    private static void awaitLines(Etcdctl.Started watch, int lines) throws InterruptedException {
        long deadline = System.nanoTime() + STREAM_WAIT.toNanos();
        while (watch.stdoutLines().size() < lines && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
    }

    private static String describe(WatchEvent event) {
        KeyValue kv = event.getKeyValue();
        String prev = event.getPrevKV() == null || event.getPrevKV().getKey().isEmpty() ? "none"
                : event.getPrevKV().getValue().toString(StandardCharsets.UTF_8) + "@" + event.getPrevKV().getModRevision();
        return event.getEventType() + " " + kv.getKey().toString(StandardCharsets.UTF_8) + "="
                + kv.getValue().toString(StandardCharsets.UTF_8) + " create=" + kv.getCreateRevision()
                + " mod=" + kv.getModRevision() + " version=" + kv.getVersion() + " prev=" + prev;
    }

    /** Returns jetcd's error code and message, which is what a jetcd user can tell errors apart by. */
    private static String describe(Throwable error) {
        return error instanceof EtcdException etcd ? etcd.getErrorCode() + ": " + etcd.getMessage() : error.toString();
    }

    private static String codeOf(Throwable error) {
        return error instanceof EtcdException etcd ? etcd.getErrorCode().toString() : error.getClass().getSimpleName();
    }

    private static ByteSequence jetcdBytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
