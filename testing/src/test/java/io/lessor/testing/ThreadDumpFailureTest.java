package io.lessor.testing;

import static io.lessor.testing.FixtureRunner.assertPassed;
import static io.lessor.testing.FixtureRunner.onlyTestFailure;
import static io.lessor.testing.FixtureRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The virtual-thread check when the JDK cannot dump the threads: JDK 25 fails on a thread name
 * with a control character. The check falls back to platform threads and warns.
 */
@CheckLeaks
class ThreadDumpFailureTest {

    @AfterEach
    void closeLeftovers() throws Exception {
        Leftovers.closeAll();
    }

    @Test
    void controlCharacterNameFallsBackToPlatformThreads() throws Exception {
        // One test, because the warning is printed once per distinct failure in a JVM.
        PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ParkedThread odd = ParkedThread.virtual("odd\u0001name")) {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));

            assertPassed(run(CleanVirtualChecked.class));
            String leakMessage = onlyTestFailure(run(PlatformThreadLeftVirtualChecked.class));

            assertThat(leakMessage).startsWith("1 leak still alive 100 ms after the test ended:\n");
            assertThat(leakMessage).contains("PLATFORM_THREAD leaky-platform-thread");
        } finally {
            System.setErr(originalErr);
        }
        String warning = err.toString(StandardCharsets.UTF_8);
        assertThat(warning).contains("virtual threads are not checked, because the virtual-thread dump failed");
        assertThat(warning).contains("IllegalFormatConversionException");
    }

    @Fixture
    @CheckLeaks
    @LeakCheck(waitMillis = 100, virtualThreads = true)
    static class CleanVirtualChecked {
        @Test
        void startsNothing() {
        }
    }

    @Fixture
    @CheckLeaks
    @LeakCheck(waitMillis = 100, virtualThreads = true)
    static class PlatformThreadLeftVirtualChecked {
        @Test
        void leavesPlatformThread() {
            Leftovers.keep(ParkedThread.platform("leaky-platform-thread"));
        }
    }
}
