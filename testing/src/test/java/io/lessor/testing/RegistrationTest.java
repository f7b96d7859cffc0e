package io.lessor.testing;

import static io.lessor.testing.FixtureRunner.failures;
import static io.lessor.testing.FixtureRunner.onlyTestFailure;
import static io.lessor.testing.FixtureRunner.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lessor.context.Context;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** The ways to register and configure the leak check. */
@CheckLeaks
class RegistrationTest {

    @AfterEach
    void closeLeftovers() throws Exception {
        Leftovers.closeAll();
    }

    @Test
    void extendWithRegistersCheck() {
        String message = onlyTestFailure(run(RegisteredByExtendWith.class));

        assertThat(message).containsPattern("(?m)^CONTEXT context\\.Background\\.WithCancel$");
    }

    @Test
    void checkLeaksRegistersCheckWithDefaultWait() {
        String message = onlyTestFailure(run(RegisteredByCheckLeaks.class));

        assertThat(message).startsWith("1 leak still alive 2000 ms after the test ended:\n");
        assertThat(message).containsPattern("(?m)^CONTEXT context\\.Background\\.WithCancel$");
    }

    @Test
    void instanceFieldRegistersCheck() {
        String message = onlyTestFailure(run(RegisteredByInstanceField.class));

        assertThat(message).startsWith("1 leak still alive 50 ms after the test ended:\n");
    }

    @Test
    void nestedClassInheritsCheckAndSettings() {
        EngineExecutionResults results = run(OuterWithNested.class);

        List<Throwable> failures = failures(results.testEvents());
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0).getMessage()).startsWith("1 leak still alive 70 ms after the test ended:\n")
                .contains("OuterWithNested$Inner.leavesContext(RegistrationTest.java:");
        assertThat(failures(results.containerEvents())).isEmpty();
    }

    @Test
    void methodAnnotationOverridesClassWait() {
        String message = onlyTestFailure(run(MethodOverridesWait.class));

        assertThat(message).startsWith("1 leak still alive 60 ms after the test ended:\n");
    }

    @Test
    void annotationWaitOverridesBuilderWait() {
        String message = onlyTestFailure(run(AnnotationOverridesBuilder.class));

        assertThat(message).startsWith("1 leak still alive 40 ms after the test ended:\n");
    }

    @Test
    void parameterSetsWaitWhereNothingElseDoes() {
        String message = onlyTestFailure(run(RegisteredByCheckLeaks.class,
                Map.of(LeakCheckExtension.WAIT_MILLIS_PROPERTY, "30")));

        assertThat(message).startsWith("1 leak still alive 30 ms after the test ended:\n");
    }

    @Test
    void invalidPatternFailsWithItsText() {
        List<Throwable> failures = failures(run(RegisteredByCheckLeaks.class,
                Map.of(LeakCheckExtension.IGNORE_THREADS_PROPERTY, "worker-(")).allEvents());

        assertThat(failures).isNotEmpty().allSatisfy(failure -> assertThat(failure)
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("invalid thread-name pattern \"worker-(\" in configuration parameter "
                        + LeakCheckExtension.IGNORE_THREADS_PROPERTY));
    }

    @Test
    void builderRejectsNegativeWait() {
        assertThatThrownBy(() -> LeakCheckExtension.builder().waitUpTo(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("leak check wait must be zero or positive, got PT-0.001S");
    }

    @Test
    void builderRejectsInvalidPattern() {
        assertThatThrownBy(() -> LeakCheckExtension.builder().ignoreThreads("ok", "[unclosed"))
                .isInstanceOf(java.util.regex.PatternSyntaxException.class);
    }

    @Fixture
    @ExtendWith(LeakCheckExtension.class)
    @LeakCheck(waitMillis = 50)
    static class RegisteredByExtendWith {
        @Test
        void leavesContext() {
            Leftovers.keep(Context.background().withCancel());
        }
    }

    @Fixture
    @CheckLeaks
    static class RegisteredByCheckLeaks {
        @Test
        void leavesContext() {
            Leftovers.keep(Context.background().withCancel());
        }
    }

    @Fixture
    static class RegisteredByInstanceField {
        @RegisterExtension
        final LeakCheckExtension leaks = LeakCheckExtension.builder().waitUpTo(Duration.ofMillis(50)).build();

        @Test
        void leavesContext() {
            Leftovers.keep(Context.background().withCancel());
        }
    }

    @Fixture
    @CheckLeaks
    @LeakCheck(waitMillis = 70)
    static class OuterWithNested {
        @Test
        void closesContext() {
            Context.background().withCancel().close();
        }

        @Nested
        class Inner {
            @Test
            void leavesContext() {
                Leftovers.keep(Context.background().withCancel());
            }
        }
    }

    @Fixture
    @CheckLeaks
    @LeakCheck(waitMillis = 5_000)
    static class MethodOverridesWait {
        @Test
        @LeakCheck(waitMillis = 60)
        void leavesContext() {
            Leftovers.keep(Context.background().withCancel());
        }
    }

    @Fixture
    @LeakCheck(waitMillis = 40)
    static class AnnotationOverridesBuilder {
        @RegisterExtension
        static final LeakCheckExtension LEAKS = LeakCheckExtension.builder().waitUpTo(Duration.ofSeconds(5)).build();

        @Test
        void leavesContext() {
            Leftovers.keep(Context.background().withCancel());
        }
    }
}
