package io.lessor.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.lessor.context.LeakCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stores four times more value bytes than the heap of the process that stores them. The index
 * keeps large values in storage once they are durable, so the storage quota bounds the amount
 * of data, not the heap.
 */
@ExtendWith(LeakCheck.class)
class SmallHeapTest {

    private static final int VALUES = 256;
    private static final int VALUE_BYTES = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void valuesLargerThanHeapAreStored() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), LargeValuesWriter.class.getName(), dir.toString(),
                Integer.toString(VALUES), Integer.toString(VALUE_BYTES));
        builder.redirectErrorStream(true);
        Process child = builder.start();
        String output;
        try {
            output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child exited").isTrue();
        } finally {
            child.destroyForcibly();
        }

        assertThat(output).as("child output").contains("OK " + VALUES).doesNotContain("OutOfMemoryError");
        assertThat(child.exitValue()).as("child exit code").isZero();
    }
}
