package io.lessor.examples;

import io.lessor.testing.CheckLeaks;
import static org.assertj.core.api.Assertions.assertThat;

import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.context.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

@CheckLeaks
class ProducerConsumerExampleTest {

    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(10);

    private final CapturedOutput output = new CapturedOutput();

    @Test
    void consumerStopsWithProducerFailureAsCause() throws InterruptedException {
        ProducerConsumerExample.Options options = new ProducerConsumerExample.Options(3, 0, Duration.ZERO);

        ProducerConsumerExample.Result result = ProducerConsumerExample.run(Context.background(), options, output.stream());

        // The unbuffered queue hands over every item before the producer moves on, so the
        // consumer has taken all three when the producer fails.
        assertThat(output.lines()).containsExactly(
                "consumed 1",
                "consumed 2",
                "consumed 3",
                "consumer stopped: context canceled, cause: producer failed after sending 3 items",
                "group failed: producer failed after sending 3 items");
        assertThat(result.consumed()).isEqualTo(3);
        assertThat(result.failure())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("producer failed after sending 3 items");
        assertThat(result.causeSeenByConsumer()).isSameAs(result.failure());
    }

    @Test
    void producerFailingAtOnceStopsIdleConsumer() throws InterruptedException {
        ProducerConsumerExample.Options options = new ProducerConsumerExample.Options(0, 0, Duration.ZERO);

        ProducerConsumerExample.Result result = ProducerConsumerExample.run(Context.background(), options, output.stream());

        assertThat(output.lines()).containsExactly(
                "consumer stopped: context canceled, cause: producer failed after sending 0 items",
                "group failed: producer failed after sending 0 items");
        assertThat(result.consumed()).isZero();
        assertThat(result.causeSeenByConsumer()).isSameAs(result.failure());
    }

    @Test
    void bufferedQueueMayLeaveItemsUnconsumed() throws InterruptedException {
        ProducerConsumerExample.Options options = new ProducerConsumerExample.Options(10, 4, Duration.ZERO);

        ProducerConsumerExample.Result result = ProducerConsumerExample.run(Context.background(), options, output.stream());

        // When the 10th put returns the queue contains at most 4 items, so the consumer has
        // taken at least 6; it may never take the rest.
        List<String> expected = IntStream.rangeClosed(1, result.consumed()).mapToObj(i -> "consumed " + i)
                .collect(Collectors.toCollection(ArrayList::new));
        expected.add("consumer stopped: context canceled, cause: producer failed after sending 10 items");
        expected.add("group failed: producer failed after sending 10 items");
        assertThat(result.consumed()).isBetween(6, 10);
        assertThat(output.lines()).containsExactlyElementsOf(expected);
        assertThat(result.causeSeenByConsumer()).isSameAs(result.failure());
    }

    @Test
    void parentCancelStopsGroupWithoutFailure() throws Exception {
        // given a producer pausing 1 s on virtual time before its first item, and an idle consumer
        ManualClock clock = new ManualClock();
        CancelableContext parent = Context.root(clock).withCancel();
        ProducerConsumerExample.Options options = new ProducerConsumerExample.Options(3, 0, Duration.ofSeconds(1));
        BackgroundRun<ProducerConsumerExample.Result> run =
                BackgroundRun.start(() -> ProducerConsumerExample.run(parent, options, output.stream()));
        assertThat(clock.awaitPendingTimers(1, TEST_TIMEOUT)).isTrue();

        // when the parent is cancelled, as Main does on Ctrl-C
        IllegalStateException stop = new IllegalStateException("stopped by the test");
        parent.cancel(stop);
        ProducerConsumerExample.Result result = run.await(TEST_TIMEOUT);

        // then both tasks stop, and the group reports the parent's cause and no failure
        assertThat(output.lines()).containsExactly(
                "consumer stopped: context canceled, cause: stopped by the test",
                "group stopped: context canceled, cause: stopped by the test");
        assertThat(result.failure()).isNull();
        assertThat(result.causeSeenByConsumer()).isSameAs(stop);
    }

    @Test
    void mainExitsWithOneWhenGroupFails() throws InterruptedException {
        CapturedOutput errors = new CapturedOutput();

        int status = Main.run(Context.background(),
                List.of("producer-consumer", "--fail-after", "2", "--period", "1ms"), output.stream(), errors.stream());

        assertThat(status).isEqualTo(Main.EXIT_FAILED);
        assertThat(output.lines()).containsExactly(
                "consumed 1",
                "consumed 2",
                "consumer stopped: context canceled, cause: producer failed after sending 2 items",
                "group failed: producer failed after sending 2 items");
        assertThat(errors.text()).isEmpty();
    }

    @Test
    void optionsHaveDefaults() throws UsageException {
        ProducerConsumerExample.Options options = ProducerConsumerExample.Options.parse(List.of());

        assertThat(options).isEqualTo(new ProducerConsumerExample.Options(3, 0, Duration.ofMillis(200)));
    }
}
