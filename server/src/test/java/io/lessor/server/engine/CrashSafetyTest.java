package io.lessor.server.engine;

import static io.lessor.server.engine.EngineTestSupport.bytes;
import static io.lessor.server.engine.EngineTestSupport.get;
import static io.lessor.server.engine.EngineTestSupport.range;
import static io.lessor.server.engine.EngineTestSupport.timeToLive;
import static org.assertj.core.api.Assertions.assertThat;

import io.lessor.api.KeyValue;
import io.lessor.api.RangeRequest;
import io.lessor.context.LeakCheck;
import io.lessor.context.ManualClock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing child process with SIGKILL at a random moment, then checks that every write it
 * acknowledged is there and that no txn is there by halves. Twenty rounds on one data directory,
 * so recovery also runs on data that earlier crashes left.
 */
@ExtendWith(LeakCheck.class)
class CrashSafetyTest {

    private static final int ROUNDS = 20;

    @TempDir
    Path dir;

    private final Map<String, Long> ackedPuts = new HashMap<>();
    private final Map<String, Long> ackedTxns = new HashMap<>();
    private final List<Long> ackedLeases = new ArrayList<>();

    @Test
    void killedWriterKeepsEveryAcknowledgedWrite() throws Exception {
        Random random = new Random();
        for (int round = 0; round < ROUNDS; round++) {
            int killAfterAcks = 1 + random.nextInt(400);

            int acks = runAndKill(round * 1_000_000L, killAfterAcks);

            assertThat(acks).as("round %d acknowledged writes", round).isPositive();
            verify(round);
        }
    }

    private int runAndKill(long firstOperation, int killAfterAcks) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(), dir.toString(),
                Long.toString(firstOperation));
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process child = builder.start();

        int acks = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (record(line)) {
                    acks++;
                    if (acks == killAfterAcks) {
                        // Killing closes our end of the pipe too; lines not read by now are not checked.
                        child.destroyForcibly();
                        break;
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited").isTrue();
        }
        return acks;
    }

    /** Records an acknowledgement line; returns whether the line was one. */
    private boolean record(String line) {
        String[] parts = line.split(" ");
        if (parts.length < 3 || !parts[0].equals("ACK")) {
            return false;
        }
        switch (parts[1]) {
            case "PUT" -> ackedPuts.put(parts[2], Long.parseLong(parts[3]));
            case "TXN" -> ackedTxns.put(parts[2], Long.parseLong(parts[3]));
            case "LEASE" -> ackedLeases.add(Long.parseLong(parts[2]));
            default -> throw new AssertionError("unexpected line from the child: " + line);
        }
        return true;
    }

    private void verify(int round) {
        try (LocalEngine engine = LocalEngine.open(EngineTestSupport.configWithoutExpiryChecks(dir), new ManualClock())) {
            long maxAcked = 0;
            for (Map.Entry<String, Long> put : ackedPuts.entrySet()) {
                KeyValue kv = get(engine, put.getKey());
                assertThat(kv).as("round %d: acknowledged put of %s", round, put.getKey()).isNotNull();
                assertThat(kv.getModRevision()).as("mod revision of %s", put.getKey()).isEqualTo(put.getValue());
                maxAcked = Math.max(maxAcked, put.getValue());
            }
            for (Map.Entry<String, Long> txn : ackedTxns.entrySet()) {
                assertThat(get(engine, txn.getKey() + "/a")).as("round %d: txn %s/a", round, txn.getKey()).isNotNull();
                assertThat(get(engine, txn.getKey() + "/b").getModRevision()).isEqualTo(txn.getValue());
                maxAcked = Math.max(maxAcked, txn.getValue());
            }
            for (long lease : ackedLeases) {
                assertThat(timeToLive(engine, lease).getGrantedTTL()).as("round %d: lease %d", round, lease)
                        .isEqualTo(600);
            }

            // No txn is there by halves, acknowledged or not.
            Map<String, Integer> halves = new HashMap<>();
            for (KeyValue kv : range(engine, RangeRequest.newBuilder().setKey(bytes("t/")).setRangeEnd(bytes("t0")))
                    .getKvsList()) {
                String key = kv.getKey().toStringUtf8();
                halves.merge(key.substring(0, key.lastIndexOf('/')), 1, Integer::sum);
            }
            assertThat(halves.values()).as("round %d: keys per txn", round).allMatch(count -> count == 2);

            // A leased key is there only with its lease.
            for (KeyValue kv : range(engine, RangeRequest.newBuilder().setKey(bytes("l/")).setRangeEnd(bytes("l0")))
                    .getKvsList()) {
                assertThat(timeToLive(engine, kv.getLease()).getTTL()).as("lease of %s", kv.getKey().toStringUtf8())
                        .isPositive();
            }
            assertThat(engine.header().getRevision()).isGreaterThanOrEqualTo(maxAcked);
        }
    }
}
