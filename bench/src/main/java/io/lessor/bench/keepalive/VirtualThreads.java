package io.lessor.bench.keepalive;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the live virtual threads of this JVM from the JDK's JSON thread dump, the only public
 * API that lists them.
 */
final class VirtualThreads {

    private static final Pattern THREAD_ID = Pattern.compile("\"tid\"\\s*:");
    private static final Pattern VIRTUAL = Pattern.compile("\"virtual\"\\s*:\\s*true");

    private VirtualThreads() {
    }

    /**
     * Returns the number of live virtual threads, or -1 if the dump could not be written or
     * read. JDK 25 marks virtual threads in the dump. Where no thread carries the mark (JDK
     * 21), the count is the dump's threads minus the platform threads, an estimate that
     * threads started or ended during the dump can move.
     */
    static long count() {
        Path file = null;
        try {
            file = Files.createTempFile("keepalive-threads-", ".json");
            Files.delete(file); // dumpThreads refuses to overwrite a file
            HotSpotDiagnosticMXBean diagnostics = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            diagnostics.dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            String json = Files.readString(file);
            long marked = occurrences(VIRTUAL, json);
            if (marked > 0) {
                return marked;
            }
            return Math.max(0, occurrences(THREAD_ID, json) - ThreadCensus.take().total());
        } catch (IOException | RuntimeException e) {
            return -1;
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // A temporary file left behind changes no result.
                }
            }
        }
    }

    private static long occurrences(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        long count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }
}
