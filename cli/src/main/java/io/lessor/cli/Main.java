package io.lessor.cli;

import io.lessor.server.ServerStartException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lessor} command. */
@Command(name = "lessor",
        mixinStandardHelpOptions = true,
        version = "lessor 0.1.0",
        description = "Lessor: etcd-style leases on the JVM.",
        subcommands = {ServeCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** The exit status of a command that failed for a reason it reported in one line. */
    static final int EXIT_FAILURE = 1;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit status: 0 success, 2 bad usage, 1 failure. */
    static int run(String... args) {
        return run(new PrintWriter(System.err, true), args);
    }

    /**
     * Runs the command line with its error messages sent to {@code err}, and returns its exit
     * status. Invalid flags and expected start failures print one line there, and unexpected
     * failures print their stack trace.
     */
    static int run(PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler(Main::invalidUsage);
        commandLine.setExecutionExceptionHandler(Main::failed);
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand; see 'lessor help'");
    }

    /** Prints an invalid flag's message and where to read about the flags, instead of the whole usage text. */
    private static int invalidUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        String name = command.getCommandSpec().qualifiedName();
        command.getErr().println(name + ": " + e.getMessage() + " (run '" + name + " --help' for the flags)");
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** Prints a start failure with a known cause as one line, and rethrows anything else for its stack trace. */
    private static int failed(Exception e, CommandLine command, CommandLine.ParseResult parseResult) throws Exception {
        if (e instanceof ServerStartException) {
            command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            return EXIT_FAILURE;
        }
        throw e;
    }
}
