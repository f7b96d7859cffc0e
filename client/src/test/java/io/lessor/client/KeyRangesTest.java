package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.lessor.testing.CheckLeaks;
import org.junit.jupiter.api.Test;

@CheckLeaks
class KeyRangesTest {

    private static ByteString bytes(int... values) {
        byte[] array = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            array[i] = (byte) values[i];
        }
        return ByteString.copyFrom(array);
    }

    @Test
    void prefixEndIncrementsLastByte() {
        assertThat(KeyRanges.prefixEnd(ByteString.copyFromUtf8("a/"))).isEqualTo(ByteString.copyFromUtf8("a0"));
    }

    @Test
    void prefixEndDropsTrailingFf() {
        assertThat(KeyRanges.prefixEnd(bytes('a', 0xff, 0xff))).isEqualTo(bytes('b'));
    }

    @Test
    void prefixEndOfAllFfIsEveryKey() {
        assertThat(KeyRanges.prefixEnd(bytes(0xff, 0xff))).isEqualTo(bytes(0));
    }

    @Test
    void prefixEndOfEmptyIsEveryKey() {
        assertThat(KeyRanges.prefixEnd(ByteString.EMPTY)).isEqualTo(bytes(0));
    }

    @Test
    void prefixEndCarriesNoOverflowIntoSign() {
        assertThat(KeyRanges.prefixEnd(bytes(0x7f))).isEqualTo(bytes(0x80));
    }
}
