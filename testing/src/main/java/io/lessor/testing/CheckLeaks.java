package io.lessor.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the thread-leak check after every test of the annotated class, or after the annotated
 * test method; the same as {@code @ExtendWith(LeakCheckExtension.class)}. See
 * {@link LeakCheckExtension} for what it checks, and {@link LeakCheck} for its settings.
 *
 * <pre>{@code
 * @CheckLeaks
 * class KeepAliveTest {
 *     @Test
 *     void stopsWithItsContext() { ... }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(LeakCheckExtension.class)
public @interface CheckLeaks {
}
