package io.lessor.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Trims stacks for the failure message, so each leak shows the frames that locate it and not
 * the dozens of frames of the test framework below them.
 */
final class StackFrames {

    /** The maximum number of frames shown per stack. */
    static final int MAX_FRAMES = 40;

    private static final String LIBRARY_PREFIX = "io.lessor.context.";
    private static final String JUNIT_PREFIX = "org.junit.";

    private StackFrames() {
    }

    /**
     * Returns the creation stack of a library resource, starting at the library method that
     * the caller called (such as {@code Worker.start}) rather than at the library's internals.
     */
    static List<String> creationSite(StackTraceElement[] stack) {
        List<String> frames = toStrings(stack);
        int firstOutside = 0;
        while (firstOutside < frames.size() && className(frames.get(firstOutside)).startsWith(LIBRARY_PREFIX)) {
            firstOutside++;
        }
        return trim(frames.subList(Math.max(0, firstOutside - 1), frames.size()));
    }

    /** Returns a thread's current stack, trimmed. */
    static List<String> current(StackTraceElement[] stack) {
        return trim(toStrings(stack));
    }

    /**
     * Cuts {@code frames} at the first frame of JUnit, together with the reflection frames
     * that called into the test from there, and keeps at most {@link #MAX_FRAMES}.
     */
    static List<String> trim(List<String> frames) {
        int end = frames.size();
        for (int i = 0; i < frames.size(); i++) {
            if (className(frames.get(i)).startsWith(JUNIT_PREFIX)) {
                end = i;
                break;
            }
        }
        int frameworkFrames = frames.size() - end;
        if (frameworkFrames > 0) {
            while (end > 0 && isReflection(className(frames.get(end - 1)))) {
                end--;
            }
        }
        int omitted = frames.size() - end;

        List<String> kept = new ArrayList<>(frames.subList(0, Math.min(end, MAX_FRAMES)));
        if (end > MAX_FRAMES) {
            kept.add("... " + (end - MAX_FRAMES) + " more frames");
        }
        if (frameworkFrames > 0) {
            kept.add("... " + omitted + " more frames (JUnit and the reflective call into the test)");
        }
        return List.copyOf(kept);
    }

    /**
     * Returns the class name of a frame in {@link StackTraceElement#toString()} form, such as
     * {@code java.base/java.lang.Thread.sleep(Thread.java:509)} or
     * {@code app//com.example.Foo.bar(Foo.java:3)}.
     */
    static String className(String frame) {
        int paren = frame.indexOf('(');
        String location = paren < 0 ? frame : frame.substring(0, paren);
        int lastDot = location.lastIndexOf('.');
        String qualified = lastDot < 0 ? location : location.substring(0, lastDot);
        // A hidden class, such as a lambda's, ends in "/0x" and its address.
        int hiddenSuffix = qualified.lastIndexOf("/0x");
        if (hiddenSuffix > 0) {
            qualified = qualified.substring(0, hiddenSuffix);
        }
        // What comes before the class is the class loader's and the module's name, each ending in '/'.
        return qualified.substring(qualified.lastIndexOf('/') + 1);
    }

    private static boolean isReflection(String className) {
        return className.startsWith("jdk.internal.reflect.") || className.equals("java.lang.reflect.Method");
    }

    private static List<String> toStrings(StackTraceElement[] stack) {
        return Arrays.stream(stack).map(StackTraceElement::toString).toList();
    }
}
