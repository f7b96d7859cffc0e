package io.lessor.compat.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs a test method twice, first with {@link TargetKind#ETCD} and then with
 * {@link TargetKind#LESSOR} as its first parameter. Usually the method hands the kind to
 * {@link Differential#run}, which starts the server and, on the Lessor run, compares the
 * transcript with etcd's.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0}")
@EnumSource(TargetKind.class)
public @interface OnBothTargets {
}
