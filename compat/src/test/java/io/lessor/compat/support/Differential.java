package io.lessor.compat.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs scenarios on fresh servers and compares Lessor's transcripts with etcd's.
 *
 * <p>Register it on a test class and use it from {@link OnBothTargets} methods:
 *
 * <pre>{@code
 * @RegisterExtension
 * final Differential differential = new Differential();
 *
 * @OnBothTargets
 * void grantKeepsLargeTtl(TargetKind kind) throws Exception {
 *     Transcript t = differential.run(kind, (target, out) ->
 *             out.call("grant", () -> target.lease().leaseGrant(grant(9_000_000_000L))));
 *     assertThat(t.response("grant", LeaseGrantResponse.class).getTTL()).isEqualTo(9_000_000_000L);
 * }
 * }</pre>
 *
 * <p>Each {@link #run} starts a new server of the given kind, so revisions start at 1 and no
 * state leaks between scenarios. A single-member etcd 3.4 served its first Range about 0.3 s
 * after launch on a two-core machine. The server is stopped and its data deleted before
 * {@code run} returns.
 *
 * <p>On the etcd run the transcript is kept, keyed by the test method. On the Lessor run the
 * transcript is compared line by line with etcd's. If no etcd transcript was kept, because the
 * etcd run was filtered out or failed, the scenario first runs on a fresh etcd. Every transcript
 * is also written, normalized, to {@code target/compat-transcripts/<class>#<method>.<kind>.txt}.
 *
 * <p>Thread-safety: one instance per test instance, and test methods must not run in parallel.
 */
public final class Differential implements BeforeEachCallback, AfterEachCallback {

    /** etcd transcripts by test class and method, kept for the Lessor run of the same method. */
    private static final Map<String, List<String>> ETCD_TRANSCRIPTS = new ConcurrentHashMap<>();

    private String testKey;
    private Path workDir;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        testKey = context.getRequiredTestClass().getName() + "#" + context.getRequiredTestMethod().getName();
        workDir = Files.createTempDirectory("lessor-compat-");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Directories.deleteRecursively(workDir);
    }

    /**
     * Runs {@code scenario} on a fresh server of {@code kind}. On Lessor, also asserts that the
     * normalized transcript equals etcd's. Returns the transcript for scenario-specific checks.
     */
    public Transcript run(TargetKind kind, Scenario scenario) throws Exception {
        return run(kind, 0, scenario);
    }

    /**
     * Runs {@code scenario} as {@link #run(TargetKind, Scenario)} does, on servers started with
     * {@code --quota-backend-bytes} set to {@code quotaBackendBytes}.
     */
    public Transcript run(TargetKind kind, long quotaBackendBytes, Scenario scenario) throws Exception {
        Transcript transcript = runOnFreshTarget(kind, quotaBackendBytes, scenario);
        if (kind == TargetKind.ETCD) {
            ETCD_TRANSCRIPTS.put(testKey, transcript.lines());
            return transcript;
        }

        List<String> reference = ETCD_TRANSCRIPTS.get(testKey);
        if (reference == null) {
            reference = runOnFreshTarget(TargetKind.ETCD, quotaBackendBytes, scenario).lines();
        }
        assertThat(transcript.lines())
                .as("Lessor's normalized transcript (actual) against etcd's (expected)")
                .containsExactlyElementsOf(reference);
        return transcript;
    }

    /** Starts a fresh server of {@code kind}, runs {@code body} with it, then stops it. */
    public <T> T withTarget(TargetKind kind, TargetFunction<T> body) throws Exception {
        return withTarget(kind, 0, body);
    }

    /** Starts a fresh server of {@code kind} with the given quota, runs {@code body} with it, then stops it. */
    public <T> T withTarget(TargetKind kind, long quotaBackendBytes, TargetFunction<T> body) throws Exception {
        Path dir = Files.createTempDirectory(workDir, kind.name().toLowerCase() + "-");
        try (Target target = Target.start(kind, dir, quotaBackendBytes)) {
            try {
                return body.apply(target);
            } catch (Exception | AssertionError e) {
                // The data directory and etcd's log are deleted after the test, so the log goes
                // into the failure report.
                e.addSuppressed(new AssertionError("end of " + target + " log:\n" + target.logTail()));
                throw e;
            }
        }
    }

    /** Returns a directory for this test's own files, deleted after the test. */
    public Path workDir() {
        return workDir;
    }

    private Transcript runOnFreshTarget(TargetKind kind, long quotaBackendBytes, Scenario scenario) throws Exception {
        Transcript transcript = withTarget(kind, quotaBackendBytes, target -> {
            Transcript t = new Transcript();
            scenario.run(target, t);
            return t;
        });
        writeForReaders(kind, transcript);
        return transcript;
    }

    /**
     * Writes the normalized transcript to target/compat-transcripts, so a failing comparison
     * can be read side by side with etcd's after the run.
     */
    private void writeForReaders(TargetKind kind, Transcript transcript) throws IOException, URISyntaxException {
        Path testClasses = Path.of(Differential.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path dir = testClasses.getParent().resolve("compat-transcripts");
        Files.createDirectories(dir);
        String name = testKey.substring(testKey.lastIndexOf('.') + 1) + "." + kind.name().toLowerCase() + ".txt";
        Files.write(dir.resolve(name), transcript.lines(), StandardCharsets.UTF_8);
    }

    /** A step that uses a running server and returns a result. */
    @FunctionalInterface
    public interface TargetFunction<T> {
        T apply(Target target) throws Exception;
    }
}
