package io.lessor.examples;

import io.lessor.testing.CheckLeaks;
import static org.assertj.core.api.Assertions.assertThat;

import io.lessor.context.Context;
import java.util.List;
import org.junit.jupiter.api.Test;

@CheckLeaks
class MainTest {

    private final CapturedOutput output = new CapturedOutput();
    private final CapturedOutput errors = new CapturedOutput();

    @Test
    void unknownExamplePrintsUsage() throws InterruptedException {
        int status = Main.run(Context.background(), List.of("sleeper"), output.stream(), errors.stream());

        assertThat(status).isEqualTo(Main.EXIT_USAGE);
        assertThat(output.text()).isEmpty();
        assertThat(errors.lines().get(0))
                .isEqualTo("error: unknown example 'sleeper'; choose one of worker, producer-consumer, cleanup,"
                        + " service-registration, leader-election");
        assertThat(errors.text()).endsWith(Main.USAGE);
    }

    @Test
    void missingNamePrintsUsage() throws InterruptedException {
        int status = Main.run(Context.background(), List.of(), output.stream(), errors.stream());

        assertThat(status).isEqualTo(Main.EXIT_USAGE);
        assertThat(errors.lines().get(0)).isEqualTo("error: missing the name of an example");
        assertThat(errors.text()).endsWith(Main.USAGE);
    }

    @Test
    void invalidOptionPrintsUsage() throws InterruptedException {
        int status = Main.run(Context.background(), List.of("cleanup", "--timeout", "soon"), output.stream(),
                errors.stream());

        assertThat(status).isEqualTo(Main.EXIT_USAGE);
        assertThat(output.text()).isEmpty();
        assertThat(errors.lines().get(0)).isEqualTo("error: cleanup: invalid --timeout: 'soon' is not a duration;"
                + " write it like 50ms, 2s or 1m30s (units ns, us, ms, s, m, h)");
    }

    @Test
    void capacityAboveMaxPrintsUsage() throws InterruptedException {
        int status = Main.run(Context.background(), List.of("producer-consumer", "--capacity", "2147483647"),
                output.stream(), errors.stream());

        assertThat(status).isEqualTo(Main.EXIT_USAGE);
        assertThat(output.text()).isEmpty();
        assertThat(errors.lines().get(0)).isEqualTo(
                "error: producer-consumer: invalid --capacity: must be at most 1000000, got 2147483647");
    }

    @Test
    void capacityAtMaxAccepted() throws UsageException {
        ProducerConsumerExample.Options options =
                ProducerConsumerExample.Options.parse(List.of("--capacity", "1000000"));

        assertThat(options.capacity()).isEqualTo(ProducerConsumerExample.MAX_CAPACITY);
        assertThat(Main.USAGE).contains("--capacity N    queue capacity, from 0 to 1000000;");
    }

    @Test
    void helpPrintsUsageToOutput() throws InterruptedException {
        for (List<String> args : List.of(List.of("help"), List.of("--help"), List.of("worker", "-h"))) {
            CapturedOutput out = new CapturedOutput();

            int status = Main.run(Context.background(), args, out.stream(), errors.stream());

            assertThat(status).as("status of %s", args).isEqualTo(Main.EXIT_OK);
            assertThat(out.text()).as("output of %s", args).isEqualTo(Main.USAGE);
        }
        assertThat(errors.text()).isEmpty();
    }

    @Test
    void usageListsEveryExample() {
        assertThat(Main.USAGE).contains("\n  worker ", "\n  producer-consumer ", "\n  cleanup ",
                "\n  service-registration ", "\n  leader-election ");
    }
}
