package io.lessor.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code lessor bench WORKLOAD [FLAGS]}: the load generator's command line. Prints the report
 * table on stdout, progress on stderr, and exits 0 after a complete run, 1 after a failed one,
 * 2 for an invalid command line. {@code --help} lists the workloads and flags.
 */
public final class Main {

    /** The classpath resource that configures Logback, so that Netty's debug logging stays off. */
    private static final String LOGBACK_CONFIG = "io/lessor/bench/load/logback.xml";

    private Main() {
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
        }
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line and returns its exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> arguments = Arrays.asList(args);
        if (arguments.contains("--help") || arguments.contains("-h")
                || (!arguments.isEmpty() && arguments.get(0).equals("help"))) {
            out.print(HelpText.TEXT);
            return 0;
        }

        LoadOptions options;
        try {
            options = LoadOptions.parse(arguments);
        } catch (UsageException e) {
            err.println("lessor bench: " + e.getMessage());
            err.println("usage: bin/lessor bench WORKLOAD [FLAGS]; bin/lessor bench --help lists them");
            return 2;
        }

        Report report;
        try {
            report = LoadGenerator.run(options, err);
        } catch (LoadFailedException e) {
            err.println("lessor bench: " + options.workload() + " failed: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("lessor bench: interrupted");
            return 1;
        }

        out.print(report.table());
        out.flush();
        if (options.jsonFile().isPresent()) {
            Path file = options.jsonFile().get();
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(file, report.json());
            } catch (IOException e) {
                err.println("lessor bench: cannot write the JSON report to " + file + ": " + e);
                return 1;
            }
        }
        return report.failure().isPresent() ? 1 : 0;
    }
}
