package io.lessor.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

@CheckLeaks
class ThreadDumpTest {

    /** The shape JDK 21 writes: no "virtual" field, ids as strings. */
    private static final String JDK21_DUMP = """
            {
              "threadDump": {
                "processId": "4711",
                "time": "2024-01-01T00:00:00Z",
                "runtimeVersion": "21.0.2+13",
                "threadContainers": [
                  {
                    "container": "<root>",
                    "parent": null,
                    "owner": null,
                    "threads": [
                      {"tid": "1", "name": "main", "stack": ["java.base\\/java.lang.Thread.sleep0(Native Method)"]},
                      {"tid": "31", "name": "worker \\"a\\"", "stack": [
                        "java.base\\/java.lang.VirtualThread.park(VirtualThread.java:582)",
                        "com.example.Loop.run(Loop.java:9)"
                      ]}
                    ],
                    "threadCount": "2"
                  },
                  {
                    "container": "java.util.concurrent.ThreadPerTaskExecutor@5f184fc6",
                    "parent": "<root>",
                    "owner": null,
                    "threads": [{"tid": "32", "name": "", "stack": []}],
                    "threadCount": "1"
                  }
                ]
              }
            }
            """;

    /** The shape JDK 25 writes: a "virtual" field on virtual threads, and more fields. */
    private static final String JDK25_DUMP = """
            {"threadDump": {"threadContainers": [{"container": "<root>", "threads": [
              {"tid": "3", "name": "main", "state": "RUNNABLE", "stack": []},
              {"tid": "26", "virtual": true, "name": "SubPoller-0", "state": "WAITING",
               "parkBlocker": {"object": "x"}, "stack": []},
              {"tid": "40", "virtual": true, "name": "job", "state": "WAITING", "stack": ["a.B.c(B.java:1)"],
               "monitorsOwned": [{"depth": 4, "locks": ["java.lang.Object@1"]}]}
            ]}]}}
            """;

    @Test
    void parsesThreadsOfEveryContainer() {
        List<ThreadDump.DumpedThread> threads = ThreadDump.parse(JDK21_DUMP);

        assertThat(threads).containsExactly(
                new ThreadDump.DumpedThread(1, "main", null, List.of("java.base/java.lang.Thread.sleep0(Native Method)")),
                new ThreadDump.DumpedThread(31, "worker \"a\"", null, List.of(
                        "java.base/java.lang.VirtualThread.park(VirtualThread.java:582)",
                        "com.example.Loop.run(Loop.java:9)")),
                new ThreadDump.DumpedThread(32, "", null, List.of()));
    }

    @Test
    void withoutVirtualFieldThreadsMissingFromPlatformIdsAreVirtual() {
        List<ThreadDump.DumpedThread> virtual = ThreadDump.virtualThreads(ThreadDump.parse(JDK21_DUMP), Set.of(1L));

        assertThat(virtual).extracting(ThreadDump.DumpedThread::id).containsExactly(31L, 32L);
    }

    @Test
    void virtualFieldDecidesWhereJdkWritesIt() {
        // The field overrides the platform ids either way: 3 is missing from them, 40 is in them.
        List<ThreadDump.DumpedThread> virtual = ThreadDump.virtualThreads(ThreadDump.parse(JDK25_DUMP), Set.of(40L));

        assertThat(virtual).extracting(ThreadDump.DumpedThread::name).containsExactly("SubPoller-0", "job");
        assertThat(virtual.get(1).stack()).containsExactly("a.B.c(B.java:1)");
    }

    @Test
    void rejectsTextThatIsNoThreadDump() {
        assertThatThrownBy(() -> ThreadDump.parse("{\"threads\": []}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("thread dump: missing or invalid \"threadDump\"");
        assertThatThrownBy(() -> ThreadDump.parse("{\"threadDump\": {\"threadContainers\": [{\"threads\": [{\"tid\": \"x\"}]}]}}"))
                .hasMessage("thread dump: invalid thread id x");
    }

    @Test
    void liveDumpListsParkedVirtualThreadWithStack() throws Exception {
        try (ParkedThread parked = ParkedThread.virtual("dump-test-virtual");
                ParkedThread platform = ParkedThread.platform("dump-test-platform")) {
            List<ThreadDump.DumpedThread> virtual = ThreadDump.virtualThreads();

            assertThat(virtual).filteredOn(t -> t.id() == parked.thread().threadId()).singleElement()
                    .satisfies(t -> {
                        assertThat(t.name()).isEqualTo("dump-test-virtual");
                        assertThat(t.stack()).anyMatch(frame -> frame.contains("ParkedThread.park("));
                    });
            assertThat(virtual).noneMatch(t -> t.id() == platform.thread().threadId());
        }
    }
}
