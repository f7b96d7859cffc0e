package io.lessor.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Runs a {@link Fixture} class through JUnit's engine test kit and reads the outcome. */
final class FixtureRunner {

    private FixtureRunner() {
    }

    static EngineExecutionResults run(Class<?> fixture) {
        return run(fixture, Map.of());
    }

    static EngineExecutionResults run(Class<?> fixture, Map<String, String> configurationParameters) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(fixture))
                .configurationParameters(configurationParameters)
                .execute();
    }

    /** Asserts that the fixture's one test failed, and returns that failure's message. */
    static String onlyTestFailure(EngineExecutionResults results) {
        Events tests = results.testEvents();
        assertThat(tests.started().count()).as("tests started").isEqualTo(1);
        List<Throwable> failures = failures(tests);
        assertThat(failures).as("test failures").hasSize(1);
        return failures.get(0).getMessage();
    }

    /** Asserts that every test and container of the fixture succeeded. */
    static void assertPassed(EngineExecutionResults results) {
        assertThat(failures(results.allEvents())).as("failures").isEmpty();
        assertThat(results.testEvents().succeeded().count()).as("tests succeeded").isPositive();
    }

    static List<Throwable> failures(Events events) {
        return events.failed().stream()
                .map(event -> event.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow())
                .toList();
    }
}
