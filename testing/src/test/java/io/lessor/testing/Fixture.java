package io.lessor.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class that leaks on purpose and runs only through {@link FixtureRunner}; the
 * Surefire configuration of this module excludes the tag, so the build never runs it directly.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(Fixture.TAG)
@interface Fixture {
    String TAG = "leak-check-fixture";
}
