package io.lessor.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class StackFramesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "java.base/java.lang.Thread.sleep0(Native Method)                   | java.lang.Thread",
        "java.base@25.0.3/java.lang.Thread.run(Thread.java:1474)            | java.lang.Thread",
        "app//com.example.Foo$Bar.lambda$run$0(Foo.java:3)                   | com.example.Foo$Bar",
        "com.example.Foo.<init>(Foo.java:3)                                  | com.example.Foo",
        "Dump.main(Dump.java:20)                                             | Dump",
        "java.base/java.lang.invoke.LambdaForm$DMH/0x00007f0c.invokeStatic(Unknown Source) | java.lang.invoke.LambdaForm$DMH",
    })
    void readsClassNameOfFrame(String frame, String className) {
        assertThat(StackFrames.className(frame)).isEqualTo(className);
    }

    @Test
    void creationSiteStartsAtLastLibraryFrame() {
        StackTraceElement[] stack = {
            frame("io.lessor.context.Diagnostics$Handle", "<init>"),
            frame("io.lessor.context.Diagnostics", "track"),
            frame("io.lessor.context.TaskThread", "start"),
            frame("io.lessor.context.Worker", "start"),
            frame("com.example.Service", "open"),
            frame("com.example.ServiceTest", "opens"),
        };

        assertThat(StackFrames.creationSite(stack)).containsExactly(
                "io.lessor.context.Worker.start(Worker.java:1)",
                "com.example.Service.open(Service.java:1)",
                "com.example.ServiceTest.opens(ServiceTest.java:1)");
    }

    @Test
    void creationSiteOfOnlyLibraryFramesKeepsLast() {
        StackTraceElement[] stack = {frame("io.lessor.context.Diagnostics", "track"), frame("io.lessor.context.Worker", "start")};

        assertThat(StackFrames.creationSite(stack)).containsExactly("io.lessor.context.Worker.start(Worker.java:1)");
    }

    @Test
    void trimCutsAtJUnitWithReflectionBeforeIt() {
        List<String> frames = List.of(
                "app//com.example.ServiceTest.opens(ServiceTest.java:7)",
                "java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:104)",
                "java.base/java.lang.reflect.Method.invoke(Method.java:565)",
                "org.junit.platform.commons.util.ReflectionUtils.invokeMethod(ReflectionUtils.java:786)",
                "org.junit.jupiter.engine.execution.MethodInvocation.proceed(MethodInvocation.java:60)");

        assertThat(StackFrames.trim(frames)).containsExactly(
                "app//com.example.ServiceTest.opens(ServiceTest.java:7)",
                "... 4 more frames (JUnit and the reflective call into the test)");
    }

    @Test
    void trimKeepsReflectionWithoutJUnit() {
        List<String> frames = List.of(
                "java.base/java.lang.reflect.Method.invoke(Method.java:565)",
                "com.example.Main.main(Main.java:3)");

        assertThat(StackFrames.trim(frames)).isEqualTo(frames);
    }

    @Test
    void trimCapsLongStacks() {
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < StackFrames.MAX_FRAMES + 5; i++) {
            frames.add("com.example.Deep.level" + i + "(Deep.java:" + i + ")");
        }

        List<String> trimmed = StackFrames.trim(frames);

        assertThat(trimmed).hasSize(StackFrames.MAX_FRAMES + 1);
        assertThat(trimmed.get(StackFrames.MAX_FRAMES - 1)).isEqualTo(frames.get(StackFrames.MAX_FRAMES - 1));
        assertThat(trimmed.get(StackFrames.MAX_FRAMES)).isEqualTo("... 5 more frames");
    }

    @Test
    void trimOfEmptyStackIsEmpty() {
        assertThat(StackFrames.trim(List.of())).isEmpty();
    }

    private static StackTraceElement frame(String className, String method) {
        String simple = className.substring(className.lastIndexOf('.') + 1);
        int dollar = simple.indexOf('$');
        String file = (dollar < 0 ? simple : simple.substring(0, dollar)) + ".java";
        return new StackTraceElement(className, method, file, 1);
    }
}
