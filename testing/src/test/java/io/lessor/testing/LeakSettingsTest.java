package io.lessor.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

class LeakSettingsTest {

    private static final LeakSettings.BuilderOptions BUILDER_300_MS =
            new LeakSettings.BuilderOptions(Duration.ofMillis(300), false, List.of("from-builder"));

    @Test
    void defaultsWithoutAnySource() {
        LeakSettings settings = LeakSettings.resolve(LeakSettings.BuilderOptions.NONE, List.of(), parameters(Map.of()));

        assertThat(settings.maxWait()).isEqualTo(LeakCheckExtension.DEFAULT_WAIT);
        assertThat(settings.virtualThreads()).isFalse();
        assertThat(settings.filter().patterns()).hasSize(ThreadFilter.BUILT_IN_NAMES.size());
    }

    @Test
    void nearestAnnotationWithWaitWins() {
        LeakSettings settings = LeakSettings.resolve(BUILDER_300_MS,
                List.of(annotation(Unset.class), annotation(Near.class), annotation(Far.class)),
                parameters(Map.of(LeakCheckExtension.WAIT_MILLIS_PROPERTY, "400")));

        assertThat(settings.maxWait()).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void builderWaitBeatsParameter() {
        LeakSettings settings = LeakSettings.resolve(BUILDER_300_MS, List.of(annotation(Unset.class)),
                parameters(Map.of(LeakCheckExtension.WAIT_MILLIS_PROPERTY, "400")));

        assertThat(settings.maxWait()).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void parameterWaitBeatsDefault() {
        LeakSettings settings = LeakSettings.resolve(LeakSettings.BuilderOptions.NONE, List.of(),
                parameters(Map.of(LeakCheckExtension.WAIT_MILLIS_PROPERTY, " 0 ")));

        assertThat(settings.maxWait()).isZero();
    }

    @Test
    void anySourceTurnsVirtualThreadsOn() {
        assertThat(LeakSettings.resolve(LeakSettings.BuilderOptions.NONE, List.of(annotation(Far.class)),
                parameters(Map.of())).virtualThreads()).isTrue();
        assertThat(LeakSettings.resolve(new LeakSettings.BuilderOptions(null, true, List.of()), List.of(),
                parameters(Map.of())).virtualThreads()).isTrue();
        assertThat(LeakSettings.resolve(LeakSettings.BuilderOptions.NONE, List.of(),
                parameters(Map.of(LeakCheckExtension.VIRTUAL_THREADS_PROPERTY, "TRUE"))).virtualThreads()).isTrue();
        assertThat(LeakSettings.resolve(LeakSettings.BuilderOptions.NONE, List.of(annotation(Near.class)),
                parameters(Map.of(LeakCheckExtension.VIRTUAL_THREADS_PROPERTY, "false"))).virtualThreads()).isFalse();
    }

    @Test
    void ignoresOfAllSourcesAddUp() {
        LeakSettings settings = LeakSettings.resolve(BUILDER_300_MS,
                List.of(annotation(Near.class), annotation(Far.class)),
                parameters(Map.of(LeakCheckExtension.IGNORE_THREADS_PROPERTY, "p-1, ,p-2,")));

        assertThat(settings.filter().patterns().subList(ThreadFilter.BUILT_IN_NAMES.size(), settings.filter().patterns().size()))
                .extracting(Object::toString)
                .containsExactly("p-1", "p-2", "from-builder", "a-.*", "b");
    }

    @Test
    void rejectsInvalidWaitParameter() {
        for (String value : List.of("-1", "soon", "")) {
            assertThatThrownBy(() -> LeakSettings.resolve(LeakSettings.BuilderOptions.NONE, List.of(),
                    parameters(Map.of(LeakCheckExtension.WAIT_MILLIS_PROPERTY, value))))
                    .isInstanceOf(ExtensionConfigurationException.class)
                    .hasMessage("invalid configuration parameter lessor.leakcheck.waitMillis=" + value
                            + ": expected a whole number of milliseconds, zero or more");
        }
    }

    @Test
    void rejectsInvalidVirtualThreadsParameter() {
        assertThatThrownBy(() -> LeakSettings.resolve(LeakSettings.BuilderOptions.NONE, List.of(),
                parameters(Map.of(LeakCheckExtension.VIRTUAL_THREADS_PROPERTY, "yes"))))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("invalid configuration parameter lessor.leakcheck.virtualThreads=yes: expected true or false");
    }

    @Test
    void rejectsInvalidAnnotationPattern() {
        assertThatThrownBy(() -> LeakSettings.resolve(LeakSettings.BuilderOptions.NONE,
                List.of(annotation(BadPattern.class)), parameters(Map.of())))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("invalid thread-name pattern \"pool-[\" in @LeakCheck(ignoreThreads): ");
    }

    private static Function<String, Optional<String>> parameters(Map<String, String> values) {
        return key -> Optional.ofNullable(values.get(key));
    }

    private static LeakCheck annotation(Class<?> type) {
        return type.getAnnotation(LeakCheck.class);
    }

    @LeakCheck
    private static final class Unset {
    }

    @LeakCheck(waitMillis = 10, ignoreThreads = "a-.*")
    private static final class Near {
    }

    @LeakCheck(waitMillis = 20, virtualThreads = true, ignoreThreads = "b")
    private static final class Far {
    }

    @LeakCheck(ignoreThreads = "pool-[")
    private static final class BadPattern {
    }
}
