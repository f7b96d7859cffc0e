package io.lessor.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * The settings that one leak check runs with, merged from the extension's builder, the
 * {@link LeakCheck} annotations in scope and the global configuration parameters.
 *
 * @param maxWait how long leaks may take to end before the test fails
 * @param virtualThreads whether new virtual threads count as leaks
 * @param filter the threads to ignore
 */
record LeakSettings(Duration maxWait, boolean virtualThreads, ThreadFilter filter) {

    /**
     * The settings given to {@link LeakCheckExtension.Builder}.
     *
     * @param maxWait the wait, or {@code null} if the builder did not set one
     */
    record BuilderOptions(Duration maxWait, boolean virtualThreads, List<String> ignoreThreads) {
        static final BuilderOptions NONE = new BuilderOptions(null, false, List.of());
    }

    /**
     * Merges the settings for one check.
     *
     * <ul>
     *   <li>wait: the nearest annotation that sets one, else the builder's, else the
     *       configuration parameter, else {@link LeakCheckExtension#DEFAULT_WAIT};
     *   <li>virtual threads: checked if any source turns the check on;
     *   <li>ignored threads: the built-ins plus the patterns of every source.
     * </ul>
     *
     * @param annotations the {@link LeakCheck} annotations in scope, nearest first
     * @param parameters looks up a global setting by name: a JUnit configuration parameter or
     *     a system property
     * @throws ExtensionConfigurationException if a value is invalid
     */
    static LeakSettings resolve(BuilderOptions builder, List<LeakCheck> annotations,
            Function<String, Optional<String>> parameters) {
        Duration wait = null;
        for (LeakCheck annotation : annotations) {
            if (annotation.waitMillis() >= 0) {
                wait = Duration.ofMillis(annotation.waitMillis());
                break;
            }
        }
        if (wait == null) {
            wait = builder.maxWait();
        }
        if (wait == null) {
            wait = parameters.apply(LeakCheckExtension.WAIT_MILLIS_PROPERTY)
                    .map(LeakSettings::parseWaitMillis)
                    .orElse(LeakCheckExtension.DEFAULT_WAIT);
        }

        boolean virtualThreads = builder.virtualThreads()
                || annotations.stream().anyMatch(LeakCheck::virtualThreads)
                || parameters.apply(LeakCheckExtension.VIRTUAL_THREADS_PROPERTY)
                        .map(LeakSettings::parseBoolean)
                        .orElse(false);

        List<Pattern> ignores = new ArrayList<>();
        parameters.apply(LeakCheckExtension.IGNORE_THREADS_PROPERTY).ifPresent(list -> {
            for (String regex : list.split(",")) {
                if (!regex.isBlank()) {
                    ignores.add(compile(regex.strip(),
                            "configuration parameter " + LeakCheckExtension.IGNORE_THREADS_PROPERTY));
                }
            }
        });
        for (String regex : builder.ignoreThreads()) {
            ignores.add(compile(regex, "LeakCheckExtension.Builder.ignoreThreads"));
        }
        for (LeakCheck annotation : annotations) {
            for (String regex : annotation.ignoreThreads()) {
                ignores.add(compile(regex, "@LeakCheck(ignoreThreads)"));
            }
        }

        return new LeakSettings(wait, virtualThreads, ThreadFilter.withBuiltIns(ignores));
    }

    private static Duration parseWaitMillis(String value) {
        try {
            long millis = Long.parseLong(value.strip());
            if (millis >= 0) {
                return Duration.ofMillis(millis);
            }
        } catch (NumberFormatException e) {
            // Reported below with the same message as a negative value.
        }
        throw new ExtensionConfigurationException("invalid configuration parameter "
                + LeakCheckExtension.WAIT_MILLIS_PROPERTY + "=" + value
                + ": expected a whole number of milliseconds, zero or more");
    }

    private static boolean parseBoolean(String value) {
        String v = value.strip();
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new ExtensionConfigurationException("invalid configuration parameter "
                + LeakCheckExtension.VIRTUAL_THREADS_PROPERTY + "=" + value + ": expected true or false");
    }

    private static Pattern compile(String regex, String source) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new ExtensionConfigurationException("invalid thread-name pattern \"" + regex + "\" in "
                    + source + ": " + e.getDescription(), e);
        }
    }
}
