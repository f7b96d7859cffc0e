package io.lessor.bench.keepalive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time of another process on Linux, read from {@code /proc/PID/stat}, to tell whether the
 * server kept up during the window.
 */
final class ProcessCpu {

    /** Clock ticks per second of {@code /proc/PID/stat} times; 100 on every common Linux build. */
    private static final long TICKS_PER_SECOND = 100;

    private ProcessCpu() {
    }

    /**
     * Returns the user and system CPU milliseconds that process {@code pid} has used, or -1 if
     * they cannot be read (no such process, or not Linux).
     */
    static long millis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name in brackets may contain spaces; the fields after it are plain.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long userTicks = Long.parseLong(fields[11]);
            long systemTicks = Long.parseLong(fields[12]);
            return (userTicks + systemTicks) * 1000 / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
