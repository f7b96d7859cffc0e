package io.lessor.examples;

import static io.lessor.examples.EtcdExampleTiming.DOWN_DIAL_TIMEOUT;
import static io.lessor.examples.EtcdExampleTiming.EXPIRY_WITHIN;
import static io.lessor.examples.EtcdExampleTiming.TEST_TIMEOUT;
import static io.lessor.examples.EtcdExampleTiming.TTL_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lessor.client.CompactedRevisionException;
import io.lessor.client.WatchCanceledException;
import io.lessor.client.WatchEnd;
import io.lessor.client.WatchEndedException;
import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.context.ContextDoneException;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import io.lessor.testing.LessorServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@CheckLeaks
@LeakCheck(virtualThreads = true)
class LeaderElectionExampleTest {

    @RegisterExtension
    static final LessorServerExtension etcd = LessorServerExtension.create();

    /** The line the test adds for a candidate it kills, which ends that candidate's leadership. */
    private static final String KILLED = "(killed with SIGKILL by the test)";

    private final Transcript transcript = new Transcript();
    private final String election = "test-" + UUID.randomUUID();
    private final Map<String, CancelableContext> contexts = new LinkedHashMap<>();
    private final Map<String, BackgroundRun<LeaderElectionExample.Ending>> runs = new LinkedHashMap<>();

    @AfterEach
    void stopCandidates() throws Exception {
        for (CancelableContext ctx : contexts.values()) {
            ctx.cancel();
        }
        for (BackgroundRun<LeaderElectionExample.Ending> run : runs.values()) {
            run.await(TEST_TIMEOUT);
        }
    }

    @Test
    void threeCandidatesHandOverOnStop() throws Exception {
        // given three candidates, one of which leads while the other two follow it
        for (String id : List.of("a", "b", "c")) {
            startCandidate(id);
        }
        List<String> remaining = new ArrayList<>(List.of("a", "b", "c"));

        while (!remaining.isEmpty()) {
            String leader = awaitLeader(remaining, TEST_TIMEOUT);
            for (String follower : remaining) {
                if (!follower.equals(leader)) {
                    transcript.require(follower, "following " + leader, TEST_TIMEOUT);
                }
            }

            // when the leader stops, as on Ctrl-C
            long stopNanos = System.nanoTime();
            contexts.get(leader).cancel(new IllegalStateException("stopped by the test"));
            assertThat(runs.get(leader).await(TEST_TIMEOUT)).isEqualTo(LeaderElectionExample.Ending.STOPPED);
            remaining.remove(leader);

            // then it resigns, and one of the others leads at once, without waiting for a TTL
            List<String> lines = transcript.texts(leader);
            assertThat(lines.get(0)).matches("campaigning for election/" + election + " as " + leader
                    + " with lease [0-9a-f]{16}, TTL 2s");
            assertThat(lines).contains("leader " + leader, "resigning as leader " + leader);
            assertThat(lines).last().isEqualTo("campaign stopped: context canceled, cause: stopped by the test");
            if (!remaining.isEmpty()) {
                String next = awaitLeader(remaining, TEST_TIMEOUT);
                Transcript.Line line = transcript.require(next, "leader " + next, TEST_TIMEOUT);
                assertThat(Duration.ofNanos(line.arrivalNanos() - stopNanos)).isLessThan(Duration.ofSeconds(1));
            }
        }
        assertOneLeaderAtATime();
    }

    @Test
    void killedLeaderIsReplacedWithinTtl() throws Exception {
        // given a leader in a child JVM and two candidates in this one that follow it
        try (ExampleProcess child = ExampleProcess.start(transcript, "child", LeaderElectionExample.NAME,
                "--endpoints", etcd.endpoint(), "--id", "child", "--election", election, "--ttl", TTL_SECONDS + "s")) {
            transcript.require("child", "leader child", TEST_TIMEOUT);
            startCandidate("b");
            startCandidate("c");
            transcript.require("b", "following child", TEST_TIMEOUT);
            transcript.require("c", "following child", TEST_TIMEOUT);

            // when the leader is killed with SIGKILL, so its lease is left to expire
            transcript.add("child", KILLED);
            long killNanos = System.nanoTime();
            child.kill();

            // then one of the others leads within the TTL, and the other follows it
            String next = awaitLeader(List.of("b", "c"), EXPIRY_WITHIN);
            Transcript.Line line = transcript.require(next, "leader " + next, TEST_TIMEOUT);
            assertThat(Duration.ofNanos(line.arrivalNanos() - killNanos)).isLessThan(EXPIRY_WITHIN);
            String other = next.equals("b") ? "c" : "b";
            transcript.require(other, "following " + next, TEST_TIMEOUT);
        }
        assertThat(transcript.texts("child")).doesNotContain("resigning as leader child");
        assertOneLeaderAtATime();
    }

    @Test
    void mainExitsWithOneWhenServerIsDown() throws Exception {
        CapturedOutput output = new CapturedOutput();
        CapturedOutput errors = new CapturedOutput();
        String endpoint = "http://127.0.0.1:" + LoopbackPorts.unused();

        int status = Main.run(Context.background(), List.of(LeaderElectionExample.NAME, "--endpoints", endpoint,
                "--dial-timeout", DOWN_DIAL_TIMEOUT), output.stream(), errors.stream());

        assertThat(status).isEqualTo(Main.EXIT_FAILED);
        assertThat(output.lines()).containsExactly("campaign failed: no etcd server responded at " + endpoint
                + " within " + DOWN_DIAL_TIMEOUT + "; start one there or pass --endpoints");
        assertThat(errors.text()).isEmpty();
    }

    @Test
    void mainRejectsFractionalTtl() throws Exception {
        CapturedOutput output = new CapturedOutput();
        CapturedOutput errors = new CapturedOutput();

        int status = Main.run(Context.background(), List.of(LeaderElectionExample.NAME, "--ttl", "1.5s"),
                output.stream(), errors.stream());

        assertThat(status).isEqualTo(Main.EXIT_USAGE);
        assertThat(output.text()).isEmpty();
        assertThat(errors.lines().get(0)).isEqualTo("error: leader-election: invalid --ttl: must be whole seconds, got 1.5s");
    }

    @Test
    void optionsHaveDefaults() throws UsageException {
        LeaderElectionExample.Options options = LeaderElectionExample.Options.parse(List.of());

        assertThat(options).isEqualTo(new LeaderElectionExample.Options(
                new EtcdConnection(List.of("http://127.0.0.1:2379"), Duration.ofSeconds(5)),
                "pid-" + ProcessHandle.current().pid(), 10, "demo"));
        assertThat(options.key()).isEqualTo("election/demo");
    }

    @Test
    void optionsRejectEmptyId() {
        assertThatThrownBy(() -> LeaderElectionExample.Options.parse(List.of("--id", "")))
                .isInstanceOf(UsageException.class)
                .hasMessage("leader-election: invalid --id: must not be empty");
    }

    @Test
    void watchEndOnItsOwnIsFailure() {
        WatchEndedException compacted = new WatchEndedException(new WatchEnd(WatchEnd.Reason.COMPACTED,
                new CompactedRevisionException("mvcc: required revision has been compacted", 7, null)));
        WatchEndedException canceledByServer = new WatchEndedException(new WatchEnd(
                WatchEnd.Reason.CANCELED_BY_SERVER, new WatchCanceledException("invalid range")));

        assertThat(LeaderElectionExample.failureOf(compacted)).isSameAs(compacted);
        assertThat(LeaderElectionExample.failureOf(canceledByServer)).isSameAs(canceledByServer);
    }

    @Test
    void sessionEndIsNoFailure() {
        WatchEndedException sessionEnded = new WatchEndedException(new WatchEnd(WatchEnd.Reason.CONTEXT_DONE,
                new IllegalStateException("keep-alive ended")));

        assertThat(LeaderElectionExample.failureOf(sessionEnded)).isNull();
        assertThat(LeaderElectionExample.failureOf(ContextDoneException.CANCELED)).isNull();
    }

    private void startCandidate(String id) {
        CancelableContext ctx = Context.background().withCancel();
        LeaderElectionExample.Options options =
                new LeaderElectionExample.Options(EtcdConnection.of(etcd.endpoint()), id, TTL_SECONDS, election);
        contexts.put(id, ctx);
        runs.put(id, BackgroundRun.start(() -> LeaderElectionExample.run(ctx, options, transcript.stream(id))));
    }

    /** Waits for one of {@code candidates} to print that it leads, and returns its id. */
    private String awaitLeader(List<String> candidates, Duration timeout) throws InterruptedException {
        return transcript.await(line -> candidates.contains(line.source())
                        && line.text().equals("leader " + line.source()), timeout)
                .orElseThrow(() -> new AssertionError("none of " + candidates + " leads within " + timeout
                        + "; lines: " + transcript.lines()))
                .source();
    }

    /**
     * Checks, in the order the lines arrived, that a candidate starts to lead only while no
     * other does. A leader's reign ends with its {@code resigning} or {@code lost leadership}
     * line, which it prints before it revokes its lease, or with the test's kill.
     */
    private void assertOneLeaderAtATime() {
        Set<String> leaders = new HashSet<>();
        for (Transcript.Line line : transcript.lines()) {
            String text = line.text();
            if (text.equals("leader " + line.source())) {
                assertThat(leaders).as("leaders when %s starts to lead; lines: %s", line.source(), transcript.lines())
                        .isEmpty();
                leaders.add(line.source());
            } else if (text.startsWith("resigning as leader ") || text.startsWith("lost leadership")
                    || text.equals(KILLED)) {
                leaders.remove(line.source());
            }
        }
    }
}
