package io.lessor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lessor} command. */
@Command(name = "lessor",
        mixinStandardHelpOptions = true,
        version = "lessor 0.1.0",
        description = "Lessor: etcd-style leases on the JVM.",
        subcommands = {ServeCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit status: 0 success, 2 bad usage, 1 failure. */
    static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand; see 'lessor help'");
    }
}
