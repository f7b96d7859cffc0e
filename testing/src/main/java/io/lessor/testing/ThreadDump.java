package io.lessor.testing;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The virtual threads of this JVM, read from the JDK's JSON thread dump
 * ({@link HotSpotDiagnosticMXBean#dumpThreads}, JDK 21 and later). The dump is the only
 * public API that lists virtual threads: {@link Thread#getAllStackTraces()} returns platform
 * threads only.
 */
final class ThreadDump {

    /** One thread of the dump. {@code virtual} is {@code null} where the dump leaves it out. */
    record DumpedThread(long id, String name, Boolean virtual, List<String> stack) {
    }

    /** The JDK failed to write the thread dump, or wrote one that could not be read. */
    static final class DumpFailedException extends RuntimeException {
        DumpFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private ThreadDump() {
    }

    /**
     * Dumps every thread and returns the virtual ones.
     *
     * @throws IllegalStateException if this JVM has no {@link HotSpotDiagnosticMXBean}
     * @throws DumpFailedException if the dump could not be written, read or parsed
     */
    static List<DumpedThread> virtualThreads() {
        String json = dumpJson();
        // Read after the dump: a platform thread started during the dump would otherwise pass
        // for a virtual thread where the dump does not mark virtual threads.
        Set<Long> platformIds = platformThreadIds();
        List<DumpedThread> all;
        try {
            all = parse(json);
        } catch (IllegalArgumentException e) {
            throw new DumpFailedException("failed to parse the JSON thread dump: " + e.getMessage(), e);
        }
        return virtualThreads(all, platformIds);
    }

    /**
     * Picks the virtual threads out of a parsed dump. JDK 25 writes {@code "virtual": true} on
     * virtual threads and nothing on platform threads; JDK 21 writes neither. So where no thread
     * of the dump carries the field, a thread counts as virtual when it is not among
     * {@code platformIds}.
     */
    static List<DumpedThread> virtualThreads(List<DumpedThread> all, Set<Long> platformIds) {
        boolean dumpMarksVirtual = all.stream().anyMatch(thread -> thread.virtual() != null);
        List<DumpedThread> virtual = new ArrayList<>();
        for (DumpedThread thread : all) {
            boolean isVirtual = dumpMarksVirtual
                    ? Boolean.TRUE.equals(thread.virtual())
                    : !platformIds.contains(thread.id());
            if (isVirtual) {
                virtual.add(thread);
            }
        }
        return virtual;
    }

    /**
     * Reads the threads of every thread container in a JSON thread dump.
     *
     * @throws IllegalArgumentException if {@code json} is not a thread dump in the JDK's format
     */
    static List<DumpedThread> parse(String json) {
        Map<?, ?> root = member(Json.parse(json), "threadDump", Map.class);
        List<?> containers = member(root, "threadContainers", List.class);
        List<DumpedThread> threads = new ArrayList<>();
        for (Object container : containers) {
            for (Object thread : member(container, "threads", List.class)) {
                threads.add(thread(thread));
            }
        }
        return threads;
    }

    private static DumpedThread thread(Object json) {
        // The JDK writes the id as a string; accept a number too.
        Object tid = member(json, "tid", Object.class);
        long id;
        try {
            id = Long.parseLong(tid.toString());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("thread dump: invalid thread id " + tid, e);
        }
        Map<?, ?> fields = (Map<?, ?>) json;
        Object name = fields.get("name");
        Object virtual = fields.get("virtual");
        List<String> stack = new ArrayList<>();
        Object frames = fields.get("stack");
        if (frames instanceof List<?> list) {
            for (Object frame : list) {
                stack.add(String.valueOf(frame));
            }
        }
        return new DumpedThread(id, name == null ? "" : name.toString(),
                virtual instanceof Boolean b ? b : null, List.copyOf(stack));
    }

    private static <T> T member(Object json, String name, Class<T> type) {
        if (!(json instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("thread dump: expected an object holding \"" + name + "\"");
        }
        Object value = map.get(name);
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException("thread dump: missing or invalid \"" + name + "\"");
        }
        return type.cast(value);
    }

    private static String dumpJson() {
        HotSpotDiagnosticMXBean bean;
        try {
            bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        } catch (IllegalArgumentException e) {
            bean = null;
        }
        if (bean == null) {
            throw new IllegalStateException("the virtual-thread leak check needs "
                    + "com.sun.management.HotSpotDiagnosticMXBean, which this JVM does not provide; "
                    + "run on a HotSpot JDK 21 or later, or turn virtual-thread checking off");
        }

        try {
            // dumpThreads() requires an absolute path to a file that does not exist yet.
            Path dir = Files.createTempDirectory("lessor-leak-check");
            Path file = dir.resolve("threads.json").toAbsolutePath();
            try {
                bean.dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                return Files.readString(file, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new DumpFailedException("failed to write or read the JSON thread dump: " + e, e);
        } catch (RuntimeException e) {
            // JDK 25's JSON dumper throws IllegalFormatConversionException on a thread name that
            // contains a control character such as U+0001.
            throw new DumpFailedException("the JDK failed to write the JSON thread dump: " + e, e);
        }
    }

    /**
     * Returns the ids of the live platform threads, from the same source as
     * {@link LeakFinder}'s list of platform threads, so the two never disagree about which
     * threads exist.
     */
    static Set<Long> platformThreadIds() {
        Set<Long> ids = new HashSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            ids.add(thread.threadId());
        }
        return ids;
    }
}
