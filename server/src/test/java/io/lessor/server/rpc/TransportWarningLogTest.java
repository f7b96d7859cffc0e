package io.lessor.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class TransportWarningLogTest {

    private static LogRecord record(String message, Throwable thrown) {
        LogRecord record = new LogRecord(Level.WARNING, message);
        record.setThrown(thrown);
        return record;
    }

    @Test
    void streamErrorsAreDropped() {
        var closedEarly = new IllegalStateException("Stream closed before write could take place");

        assertThat(TransportWarningLog.STREAM_ERRORS.isLoggable(record("Stream Error", closedEarly))).isFalse();
        assertThat(TransportWarningLog.STREAM_ERRORS.isLoggable(record("Stream Error", closedEarly))).isFalse();
    }

    @Test
    void otherHandlerWarningsPass() {
        assertThat(TransportWarningLog.STREAM_ERRORS.isLoggable(record("Connection Error", new IllegalStateException())))
                .isTrue();
    }

    @Test
    void onlyOversizedMessagesAreDropped() {
        var oversized = Status.RESOURCE_EXHAUSTED.withDescription("gRPC message exceeds maximum size").asRuntimeException();
        var other = Status.INTERNAL.withDescription("broken").asRuntimeException();

        assertThat(TransportWarningLog.OVERSIZED_MESSAGES.isLoggable(record("Exception processing message", oversized)))
                .isFalse();
        assertThat(TransportWarningLog.OVERSIZED_MESSAGES.isLoggable(record("Exception processing message", other)))
                .isTrue();
    }

    @Test
    void filtersSitOnGrpcNettyLoggers() {
        assertThat(TransportWarningLog.OVERSIZED_MESSAGES.loggerName()).isEqualTo("io.grpc.netty.NettyServerStream");
        assertThat(TransportWarningLog.STREAM_ERRORS.loggerName()).isEqualTo("io.grpc.netty.NettyServerHandler");
    }
}
