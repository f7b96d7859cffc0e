package io.lessor.examples;

import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.context.Signal;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Runs one example, chosen by the first argument: {@code worker}, {@code producer-consumer},
 * {@code cleanup}, {@code service-registration} or {@code leader-election}. The remaining
 * arguments are that example's options; {@code --help} prints them all.
 *
 * <p>Exit status: 0 when the example ran as designed, 1 when it reports a failure (the
 * producer-consumer group failed, the cleanup task failed, or a request to etcd failed or a lease
 * was lost in the last two), 2 for an invalid command line.
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP cancel the example's context, so the example stops the way
 * it stops on its timeout and prints how it ended. The JVM then exits with 128 plus the signal's
 * number, such as 130 for SIGINT.
 */
public final class Main {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    /** How long a stop signal waits for the example to finish before the JVM exits anyway. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    static final String USAGE = "usage: bin/lessor example NAME [OPTIONS]\n"
            + "\n"
            + "examples:\n"
            + WorkerExample.USAGE
            + ProducerConsumerExample.USAGE
            + CleanupExample.USAGE
            + ServiceRegistrationExample.USAGE
            + LeaderElectionExample.USAGE
            + "\n"
            + "Durations are written like 50ms, 2s or 1m30s (units ns, us, ms, s, m, h).\n";

    private Main() {
    }

    /** Runs the example named by {@code args[0]} and exits with its status. */
    public static void main(String[] args) {
        CancelableContext root = Context.background().withCancel();
        Signal finished = Signal.create();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("examples-shutdown").unstarted(() -> {
            // The JVM runs shutdown hooks on SIGINT, SIGTERM and SIGHUP, and on System.exit().
            // main() cancels the root before it calls System.exit(), so this cause is given only
            // for a signal.
            root.cancel(new CancellationException("stopped by a signal (SIGINT, SIGTERM or SIGHUP)"));
            try {
                finished.await(SHUTDOWN_GRACE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));

        int status;
        try {
            status = run(root, Arrays.asList(args), System.out, System.err);
        } catch (InterruptedException e) {
            System.err.println("error: interrupted while waiting for the example to finish");
            status = EXIT_FAILED;
        } finally {
            root.cancel();
            finished.fire();
        }
        System.exit(status);
    }

    /**
     * Runs the example named by {@code args.get(0)} under {@code parent}, writing its output to
     * {@code out} and errors about the command line to {@code err}.
     *
     * @return the exit status: 0, 1 or 2 as described on the class
     * @throws InterruptedException if the calling thread is interrupted while the example runs
     */
    static int run(Context parent, List<String> args, PrintStream out, PrintStream err) throws InterruptedException {
        if (args.isEmpty()) {
            err.println("error: missing the name of an example");
            err.print(USAGE);
            return EXIT_USAGE;
        }
        String name = args.get(0);
        List<String> options = args.subList(1, args.size());
        if (name.equals("help") || isHelpOption(name) || options.stream().anyMatch(Main::isHelpOption)) {
            out.print(USAGE);
            return EXIT_OK;
        }

        try {
            return switch (name) {
                case WorkerExample.NAME -> {
                    WorkerExample.run(parent, WorkerExample.Options.parse(options), out);
                    yield EXIT_OK;
                }
                case ProducerConsumerExample.NAME -> {
                    ProducerConsumerExample.Result result =
                            ProducerConsumerExample.run(parent, ProducerConsumerExample.Options.parse(options), out);
                    yield result.failure() == null ? EXIT_OK : EXIT_FAILED;
                }
                case CleanupExample.NAME -> {
                    CleanupExample.Result result = CleanupExample.run(
                            parent, CleanupExample.Options.parse(options), out, CleanupExample.NEW_OUTPUT_STREAM);
                    yield result.ending() == CleanupExample.Ending.FAILED ? EXIT_FAILED : EXIT_OK;
                }
                case ServiceRegistrationExample.NAME -> {
                    ServiceRegistrationExample.Ending ending =
                            ServiceRegistrationExample.run(parent, ServiceRegistrationExample.Options.parse(options), out);
                    yield ending == ServiceRegistrationExample.Ending.FAILED ? EXIT_FAILED : EXIT_OK;
                }
                case LeaderElectionExample.NAME -> {
                    LeaderElectionExample.Ending ending =
                            LeaderElectionExample.run(parent, LeaderElectionExample.Options.parse(options), out);
                    yield ending == LeaderElectionExample.Ending.FAILED ? EXIT_FAILED : EXIT_OK;
                }
                default -> throw new UsageException("unknown example '" + name + "'; choose one of "
                        + String.join(", ", WorkerExample.NAME, ProducerConsumerExample.NAME, CleanupExample.NAME,
                                ServiceRegistrationExample.NAME, LeaderElectionExample.NAME));
            };
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.print(USAGE);
            return EXIT_USAGE;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return EXIT_FAILED;
        }
    }

    private static boolean isHelpOption(String arg) {
        return arg.equals("--help") || arg.equals("-h");
    }
}
