package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** close() of a TaskGroup or a Worker called from its own thread fails at once instead of hanging. */
@ExtendWith(LeakCheck.class)
class SelfCloseTest {

    @Test
    void taskGroupCloseFromOwnTaskRejected() throws Exception {
        CompletableFuture<TaskGroup> groupRef = new CompletableFuture<>();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        TaskGroup group = TaskGroup.open(Context.background(), "self-close");
        group.go("closer", ctx -> {
            try {
                groupRef.join().close();
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
        });
        groupRef.complete(group);

        // Waited for before close(): without the check the task waits for itself forever.
        Throwable failure = thrown.get(10, TimeUnit.SECONDS);
        group.close();

        assertThat(failure)
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageContaining("self-close/closer")
                .hasMessageContaining("outside the group");
    }

    @Test
    void taskGroupUsableAfterRejectedClose() throws Exception {
        CompletableFuture<TaskGroup> groupRef = new CompletableFuture<>();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        TaskGroup group = TaskGroup.open(Context.background(), "self-close");
        group.go("closer", ctx -> {
            try {
                groupRef.join().close();
                thrown.complete(null);
            } catch (IllegalStateException expected) {
                thrown.complete(expected);
                groupRef.join().go("second", c -> { });
            }
        });
        groupRef.complete(group);

        Throwable failure = thrown.get(10, TimeUnit.SECONDS);
        group.await();
        group.close();

        assertThat(failure).isExactlyInstanceOf(IllegalStateException.class);
        assertThat(group.failure()).isNull();
    }

    @Test
    void workerCloseFromOwnBodyRejected() throws Exception {
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord logRecord) {
                records.add(logRecord);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("io.lessor.context");
        logger.addHandler(capture);
        try {
            CompletableFuture<Worker> workerRef = new CompletableFuture<>();
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            Worker worker = Worker.start(Context.background(), "self-closer", ctx -> {
                try {
                    workerRef.join().close();
                    thrown.complete(null);
                } catch (Throwable t) {
                    thrown.complete(t);
                }
            });
            workerRef.complete(worker);

            Throwable failure = thrown.get(10, TimeUnit.SECONDS);
            worker.close();

            assertThat(failure)
                    .isExactlyInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("self-closer")
                    .hasMessageContaining("own thread");
            assertThat(worker.context().reason()).isEqualTo(Reason.CANCELED);
            assertThat(worker.failure()).isNull();
            assertThat(records).isEmpty();
        } finally {
            logger.removeHandler(capture);
        }
    }
}
