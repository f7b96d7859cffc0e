/**
 * JMH suites that measure {@code io.lessor.context} on the shapes of the benchmarks in Go's
 * {@code context} package (its {@code benchmark_test.go}), with grpc-java's
 * {@code io.grpc.Context} beside it where that class has the same operation.
 *
 * <table>
 *   <caption>Go benchmark and its counterpart here</caption>
 *   <tr><th>Go</th><th>JMH</th></tr>
 *   <tr><td>{@code CancelTree/depth=D/Root=R}</td><td>{@link CancelTreeBenchmark}, params {@code depth}, {@code root}</td></tr>
 *   <tr><td>{@code CheckCanceled/Err}, {@code /Done}</td><td>{@link CheckCanceledBenchmark}</td></tr>
 *   <tr><td>{@code ContextCancelDone}</td><td>{@link ContextCancelDoneBenchmark}</td></tr>
 *   <tr><td>{@code WithTimeout/concurrency=N}</td><td>{@link WithTimeoutBenchmark}, {@link GrpcWithTimeoutBenchmark}</td></tr>
 *   <tr><td>{@code DeepValueSameGoRoutine/depth=D}</td><td>{@link DeepValueBenchmark}</td></tr>
 *   <tr><td>{@code DeepValueNewGoRoutine/depth=D}</td><td>{@link DeepValueNewThreadBenchmark}</td></tr>
 *   <tr><td>{@code CommonParentCancel}</td><td>{@link CommonParentCancelBenchmark}</td></tr>
 *   <tr><td>none</td><td>{@link WatchedChildBenchmark}: the cost of attaching a child to its parent</td></tr>
 * </table>
 *
 * <p>Go runs its parallel benchmarks with {@code b.RunParallel}, one goroutine per
 * {@code GOMAXPROCS} (the number of CPUs by default), and reports wall-clock time divided by
 * the operations of all goroutines together. The JMH counterparts run on
 * {@code @Threads(Threads.MAX)}, one thread per CPU, and report the average time of one
 * operation on one thread. Divide the JMH score by the thread count to compare it with Go's
 * number; {@code bench/context-vs-go.sh} does that.
 *
 * <p>Run a suite from the uber-jar: {@code java -jar bench/target/lessor-bench.jar CancelTree}.
 */
package io.lessor.bench.context;
