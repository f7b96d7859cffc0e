package io.lessor.compat.support;

/** Steps that run against one server and record what they observe. */
@FunctionalInterface
public interface Scenario {

    /** Runs the steps against {@code target}, recording observations in {@code transcript}. */
    void run(Target target, Transcript transcript) throws Exception;
}
