package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

class EtcdErrorsTest {

    @Test
    void closedChannelIsUnavailable() {
        // What grpc-netty reports for a call whose connection closed under it.
        var failure = Status.UNKNOWN.withDescription("channel closed")
                .withCause(new ClosedChannelException()).asRuntimeException();

        EtcdException mapped = EtcdException.from(failure);

        assertThat(mapped).isInstanceOf(UnavailableException.class);
        assertThat(mapped.serverMessage()).isEqualTo("channel closed");
    }

    @Test
    void otherUnknownStaysUnknown() {
        var failure = Status.UNKNOWN.withDescription("boom").withCause(new IllegalStateException()).asRuntimeException();

        EtcdException mapped = EtcdException.from(failure);

        assertThat(mapped).isNotInstanceOf(UnavailableException.class);
        assertThat(mapped.code()).isEqualTo(Status.Code.UNKNOWN);
    }
}
