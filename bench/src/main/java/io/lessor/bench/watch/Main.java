package io.lessor.bench.watch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Measures the Watch service of any etcd v3 endpoint, in a JVM of its own:
 *
 * <pre>
 * java -cp bench/target/lessor-bench.jar io.lessor.bench.watch.Main fanout \
 *     --endpoint http://127.0.0.1:2379 --watchers 100 --puts 10000
 * java -cp bench/target/lessor-bench.jar io.lessor.bench.watch.Main idle \
 *     --endpoint http://127.0.0.1:2379 --watchers 10000
 * </pre>
 *
 * <p>{@code fanout} prints one line of JSON with the events per second that the watchers
 * received, all of them watching one prefix. {@code idle} opens watchers that each watch a
 * prefix of their own under the given one, prints {@code ready WATCHERS STREAMS} and keeps them
 * open until a line or the end of standard input arrives, so that a script can measure the
 * server's memory meanwhile. {@code bench/watch-fanout.sh} runs both against Lessor and
 * etcd.
 */
public final class Main {

    private Main() {
    }

    /** Runs one measurement; exits with 2 on invalid arguments. */
    public static void main(String[] args) throws InterruptedException, IOException {
        // Before the first logger: keep Netty's debug logging off the measured CPU.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/lessor/bench/watch/logback.xml");
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.command().equals("fanout")) {
            System.out.println(new Fanout(options).run().toJson());
        } else {
            holdIdle(options);
        }
    }

    private static void holdIdle(Options options) throws InterruptedException, IOException {
        var channels = Channels.open(options.endpoint(), options.channels());
        try (PrefixWatchers watchers = PrefixWatchers.open(channels, options.prefix(), true, options.watchers(),
                options.watchersPerStream(), options.timeout())) {
            System.out.println("ready " + watchers.watchers() + " " + watchers.streams());
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            watchers.throwIfFailed();
        } finally {
            Channels.close(List.copyOf(channels));
        }
    }
}
