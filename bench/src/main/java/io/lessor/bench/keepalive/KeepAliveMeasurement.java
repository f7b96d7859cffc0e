package io.lessor.bench.keepalive;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;

/**
 * Measures what one client costs while it keeps many leases alive: the steps below, in this
 * JVM, which should run nothing else, so that its threads and CPU are the client's.
 *
 * <ol>
 *   <li>count the threads (the baseline), start granting the leases on a channel of its own,
 *       build the client, start a keep-alive per lease as it is granted, spread over at least
 *       the ramp, shut the granting channel down, and wait until every lease had a response;
 *   <li>settle, then measure over the window: threads, process CPU, GC and JIT time, renewals;
 *   <li>time {@code close()}, wait, and count the threads that are left.
 * </ol>
 */
final class KeepAliveMeasurement {

    /** How many CPU-heavy thread groups the result lists. */
    private static final int CPU_GROUPS = 8;

    private final MeasurementConfig config;

    KeepAliveMeasurement(MeasurementConfig config) {
        this.config = config;
    }

    /**
     * Runs the measurement.
     *
     * @throws IllegalStateException if the grants fail
     */
    MeasurementResult run() throws InterruptedException {
        ThreadCensus baseline = ThreadCensus.take();
        ClientUnderTest client = null;
        boolean closed = false;
        try (LeaseGrants grants = LeaseGrants.start(config.endpoint(), config.leases(), config.ttlSeconds(),
                config.grantsInFlight())) {
            client = config.client().connect(config.endpoint());
            long startNanos = System.nanoTime();
            long keepAliveCallsNanos = startKeepAlives(client, grants);
            long startMillis = millisSince(startNanos);
            grants.close();
            long grantMillis = grants.millis();
            long firstResponsesMillis = awaitFirstResponses(client);
            Thread.sleep(config.settle());

            Window window = measureWindow(client);

            long closeStartNanos = System.nanoTime();
            client.close();
            double closeMillis = (System.nanoTime() - closeStartNanos) / 1e6;
            closed = true;
            Thread.sleep(config.afterClose());
            ThreadCensus afterClose = ThreadCensus.take();
            long virtualThreads = VirtualThreads.count();

            return new MeasurementResult(config, grantMillis, startMillis, baseline.total(),
                    keepAliveCallsNanos / 1_000_000, firstResponsesMillis, window.millis, window.threadsMin,
                    window.threadsMax, window.end.addedSince(baseline), window.cpuMillis, window.cpuByThreadGroup,
                    window.gcCount, window.gcMillis, window.jitMillis, window.heapUsedMegabytes, window.renewals,
                    window.endedBeforeClose, window.endReasons, window.serverCpuMillis, window.serverStart,
                    window.serverEnd, closeMillis, afterClose.total(), afterClose.nonDaemon(),
                    baseline.nonDaemon(), afterClose.addedSince(baseline), virtualThreads);
        } finally {
            if (client != null && !closed) {
                client.close();
            }
        }
    }

    /**
     * Starts a keep-alive per lease as soon as it is granted, but the i-th no earlier than
     * {@code i * ramp / leases} after the first, and returns the nanoseconds spent inside the
     * client's keepAlive calls.
     */
    private long startKeepAlives(ClientUnderTest client, LeaseGrants grants) throws InterruptedException {
        long startNanos = System.nanoTime();
        long rampNanos = config.ramp().toNanos();
        long insideNanos = 0;
        for (int i = 0; i < config.leases(); i++) {
            long leaseId = grants.next();
            long dueNanos = startNanos + rampNanos * i / config.leases();
            long aheadNanos = dueNanos - System.nanoTime();
            if (aheadNanos > 1_000_000) {
                Thread.sleep(Duration.ofNanos(aheadNanos));
            }
            long callStartNanos = System.nanoTime();
            client.keepAlive(leaseId);
            insideNanos += System.nanoTime() - callStartNanos;
        }
        return insideNanos;
    }

    /**
     * Waits until the consumers have read a response of every lease, and returns how long that
     * took, or -1 if it did not happen within the TTL.
     */
    private long awaitFirstResponses(ClientUnderTest client) throws InterruptedException {
        long startNanos = System.nanoTime();
        long limitNanos = Duration.ofSeconds(config.ttlSeconds()).toNanos();
        while (client.respondedLeases() < config.leases()) {
            if (System.nanoTime() - startNanos > limitNanos) {
                return -1;
            }
            Thread.sleep(10);
        }
        return millisSince(startNanos);
    }

    /** The figures of the window. */
    private record Window(long millis, int threadsMin, int threadsMax, ThreadCensus end, long cpuMillis,
            Map<String, Long> cpuByThreadGroup, long gcCount, long gcMillis, long jitMillis, long heapUsedMegabytes,
            long renewals, long endedBeforeClose, Map<String, Long> endReasons, long serverCpuMillis,
            ServerMetrics serverStart, ServerMetrics serverEnd) {
    }

    private Window measureWindow(ClientUnderTest client) throws InterruptedException {
        OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();

        ThreadCensus first = ThreadCensus.take();
        int threadsMin = first.total();
        int threadsMax = first.total();
        ThreadCpu threadCpuStart = ThreadCpu.take();
        long[] gcStart = gcCountAndMillis();
        long jitStartMillis = jit.getTotalCompilationTime();
        long renewalsStart = client.renewals();
        ServerMetrics serverStart = ServerMetrics.read(config.endpoint());
        long serverCpuStartMillis = config.serverPid() > 0 ? ProcessCpu.millis(config.serverPid()) : -1;
        long cpuStartNanos = os.getProcessCpuTime();
        long startNanos = System.nanoTime();

        // Sample the thread count once a second; the last sample is the window's end.
        long endNanos = startNanos + config.window().toNanos();
        ThreadCensus last = first;
        while (true) {
            long leftNanos = endNanos - System.nanoTime();
            if (leftNanos <= 0) {
                break;
            }
            Thread.sleep(Duration.ofNanos(Math.min(leftNanos, 1_000_000_000L)));
            last = ThreadCensus.take();
            threadsMin = Math.min(threadsMin, last.total());
            threadsMax = Math.max(threadsMax, last.total());
        }

        long cpuEndNanos = os.getProcessCpuTime();
        long serverCpuEndMillis = config.serverPid() > 0 ? ProcessCpu.millis(config.serverPid()) : -1;
        ServerMetrics serverEnd = ServerMetrics.read(config.endpoint());
        long serverCpuMillis = serverCpuStartMillis >= 0 && serverCpuEndMillis >= 0
                ? serverCpuEndMillis - serverCpuStartMillis
                : -1;
        long windowNanos = System.nanoTime() - startNanos;
        long renewals = client.renewals() - renewalsStart;
        long jitMillis = jit.getTotalCompilationTime() - jitStartMillis;
        long[] gcEnd = gcCountAndMillis();
        Map<String, Long> cpuByGroup = ThreadCpu.take().millisSince(threadCpuStart, CPU_GROUPS);
        long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();

        return new Window(windowNanos / 1_000_000, threadsMin, threadsMax, last,
                (cpuEndNanos - cpuStartNanos) / 1_000_000, cpuByGroup, gcEnd[0] - gcStart[0], gcEnd[1] - gcStart[1],
                jitMillis, heapUsed >> 20, renewals, client.ended(), client.endReasons(), serverCpuMillis, serverStart,
                serverEnd);
    }

    /** Returns the collections and collection milliseconds of every collector, added up. */
    private static long[] gcCountAndMillis() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, collector.getCollectionCount());
            millis += Math.max(0, collector.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
