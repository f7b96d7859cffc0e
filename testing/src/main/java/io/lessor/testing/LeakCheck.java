package io.lessor.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Settings of the thread-leak check for a test class, a {@code @Nested} class or one test
 * method. It only configures the check: register {@link LeakCheckExtension} as well, with
 * {@link CheckLeaks}, {@code @ExtendWith} or {@code @RegisterExtension}.
 *
 * <p>Where several apply, the one nearest to the test sets {@link #waitMillis()}, any one can
 * turn on {@link #virtualThreads()}, and the {@link #ignoreThreads()} of all of them add up.
 * They combine with the extension's builder and the global configuration parameters as
 * {@link LeakCheckExtension} describes.
 *
 * <pre>{@code
 * @CheckLeaks
 * @LeakCheck(virtualThreads = true, ignoreThreads = "grpc-default-executor-\\d+")
 * class WatchStreamTest { ... }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface LeakCheck {

    /**
     * The time, in milliseconds, that leaks may take to end after the test before it fails. A
     * negative value, the default, keeps the wait set elsewhere (by default
     * {@link LeakCheckExtension#DEFAULT_WAIT}).
     */
    long waitMillis() default -1;

    /**
     * Whether a virtual thread that the test started and left running fails it. Off by default,
     * because finding virtual threads takes a JSON thread dump of the whole JVM at each check.
     */
    boolean virtualThreads() default false;

    /**
     * Regular expressions for names of threads, platform or virtual, that may outlive the test;
     * a pattern must match the whole name. They do not apply to tasks, contexts and timers of
     * io.lessor.context, which must always be closed.
     */
    String[] ignoreThreads() default {};
}
