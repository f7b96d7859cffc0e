package io.lessor.examples;

import io.lessor.context.Context;
import io.lessor.context.ContextDoneException;
import io.lessor.context.TaskGroup;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A producer and a consumer joined by a queue, in one {@link TaskGroup}: Go's
 * {@code errgroup.WithContext} with two goroutines and a channel. The producer fails after a
 * number of items, and its failure cancels the group's context. The consumer, blocked on the
 * queue, then stops and reports that failure as the cause.
 *
 * <pre>
 * $ bin/lessor example producer-consumer --fail-after 2
 * consumed 1
 * consumed 2
 * consumer stopped: context canceled, cause: producer failed after sending 2 items
 * group failed: producer failed after sending 2 items
 * </pre>
 *
 * <p>The queue plays the channel. With the default capacity 0 it is a {@link SynchronousQueue},
 * Go's unbuffered channel: a send returns only once the consumer has taken the item, so the
 * consumer has taken every item before the producer fails. With a capacity above 0 it is an
 * {@link ArrayBlockingQueue}, Go's buffered channel, and items still in the queue when the group
 * is cancelled are never consumed.
 *
 * <p>Where Go's consumer selects on the channel and {@code ctx.Done()}, this one blocks in
 * {@link BlockingQueue#take()}: the group interrupts every task when its context ends, and the
 * consumer then reads the reason from the context.
 */
final class ProducerConsumerExample {

    static final String NAME = "producer-consumer";

    /**
     * The largest queue capacity the example accepts. {@link ArrayBlockingQueue} allocates its
     * whole array up front, so a capacity near {@code Integer.MAX_VALUE} runs out of memory.
     */
    static final int MAX_CAPACITY = 1_000_000;

    static final String USAGE = """
              producer-consumer   a producer fails after N items, and the consumer stops with that cause
                  --fail-after N  items the producer sends before it fails (default 3)
                  --capacity N    queue capacity, from 0 to 1000000; 0 is an unbuffered hand-off (default 0)
                  --period D      producer's pause before each item (default 200ms)
            """;

    /**
     * The example's settings.
     *
     * @param failAfter the number of items the producer sends before it fails; at least 0
     * @param capacity the queue's capacity, from 0 to {@link #MAX_CAPACITY}; 0 hands each item
     *     over directly
     * @param period the producer's pause before each item; zero for none
     */
    record Options(int failAfter, int capacity, Duration period) {
        Options {
            if (failAfter < 0 || capacity < 0) {
                throw new IllegalArgumentException("failAfter and capacity must not be negative, got "
                        + failAfter + " and " + capacity);
            }
            if (capacity > MAX_CAPACITY) {
                throw new IllegalArgumentException("capacity must be at most " + MAX_CAPACITY + ", got " + capacity);
            }
            Objects.requireNonNull(period, "period");
        }

        static Options parse(List<String> args) throws UsageException {
            Flags flags = Flags.parse(NAME, args, Set.of("fail-after", "capacity", "period"));
            return new Options(
                    flags.integer("fail-after", 3, 0),
                    flags.integer("capacity", 0, 0, MAX_CAPACITY),
                    flags.duration("period", Duration.ofMillis(200)));
        }
    }

    /**
     * The outcome of a run.
     *
     * @param consumed the number of items the consumer took
     * @param failure the first failure of a task, which {@link TaskGroup#await()} reported, or
     *     {@code null} if the group was stopped from outside before the producer failed
     * @param causeSeenByConsumer the cause of the group's context when the consumer stopped
     */
    record Result(int consumed, Throwable failure, Throwable causeSeenByConsumer) {
    }

    private ProducerConsumerExample() {
    }

    /**
     * Runs the producer and the consumer in a group under {@code parent} and waits for both.
     *
     * @throws InterruptedException if the calling thread is interrupted while it waits; the
     *     group is closed, which stops both tasks, before this is thrown
     */
    static Result run(Context parent, Options options, PrintStream out) throws InterruptedException {
        BlockingQueue<Integer> channel = options.capacity() == 0
                ? new SynchronousQueue<>()
                : new ArrayBlockingQueue<>(options.capacity());
        AtomicInteger consumed = new AtomicInteger();
        AtomicReference<Throwable> causeSeenByConsumer = new AtomicReference<>();

        Throwable failure = null;
        try (TaskGroup group = TaskGroup.open(parent, NAME)) {
            group.go("producer", ctx -> produce(ctx, channel, options));
            group.go("consumer", ctx -> consume(ctx, channel, consumed, causeSeenByConsumer, out));
            try {
                group.await();
                // No task failed, so the tasks returned because the parent ended, as on Ctrl-C.
                out.println("group stopped: " + ContextEnding.describe(group.context()));
            } catch (ExecutionException e) {
                failure = e.getCause();
                out.println("group failed: " + ContextEnding.messageOf(failure));
            }
        }
        return new Result(consumed.get(), failure, causeSeenByConsumer.get());
    }

    private static void produce(Context ctx, BlockingQueue<Integer> channel, Options options)
            throws InterruptedException {
        try {
            for (int item = 1; item <= options.failAfter(); item++) {
                ctx.sleep(options.period());
                channel.put(item);
            }
        } catch (ContextDoneException | InterruptedException e) {
            if (!ctx.isDone()) {
                throw e;
            }
            // Stopped from outside, for example by Ctrl-C: not a failure of the producer.
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        throw new IllegalStateException("producer failed after sending " + options.failAfter() + " items");
    }

    private static void consume(Context ctx, BlockingQueue<Integer> channel, AtomicInteger consumed,
            AtomicReference<Throwable> causeSeenByConsumer, PrintStream out) throws InterruptedException {
        try {
            while (!ctx.isDone()) {
                int item = channel.take();
                consumed.incrementAndGet();
                out.println("consumed " + item);
            }
        } catch (InterruptedException e) {
            if (!ctx.isDone()) {
                throw e;
            }
            // The group interrupted the wait because its context ended, and the context's cause
            // records why.
            Thread.currentThread().interrupt();
        }
        causeSeenByConsumer.set(ctx.cause());
        out.println("consumer stopped: " + ContextEnding.describe(ctx));
    }
}
