package io.lessor.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RunKeysTest {

    @Test
    void freshPrefixNamesWorkloadAndRun() {
        RunKeys first = RunKeys.fresh("bench/", Workload.LEASE_GRANT);
        RunKeys second = RunKeys.fresh("bench/", Workload.LEASE_GRANT);

        assertThat(first.prefixText()).matches("bench/lease-grant/[0-9a-f]{8}/");
        assertThat(second.prefixText()).isNotEqualTo(first.prefixText());
    }

    @Test
    void keyIsPrefixAndEightHexDigits() {
        RunKeys keys = RunKeys.fresh("p/", Workload.PUT);
        String prefix = keys.prefixText();

        assertThat(keys.key(0).toStringUtf8()).isEqualTo(prefix + "00000000");
        assertThat(keys.key(255).toStringUtf8()).isEqualTo(prefix + "000000ff");
        assertThat(keys.key(LoadOptions.MAX_KEY_SPACE - 1).toStringUtf8()).isEqualTo(prefix + "ffffffff");
    }

    @Test
    void keyIndexOutsideEightDigitsRejected() {
        RunKeys keys = RunKeys.fresh("p/", Workload.PUT);

        assertThatThrownBy(() -> keys.key(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.key(LoadOptions.MAX_KEY_SPACE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rangeEndIncrementsLastByte() {
        RunKeys keys = RunKeys.fresh("p/", Workload.PUT);
        String prefix = keys.prefixText();

        // "/" + 1 is "0", the first byte after every key under the prefix.
        assertThat(keys.rangeEnd().toStringUtf8()).isEqualTo(prefix.substring(0, prefix.length() - 1) + "0");
    }

    @Test
    void childAddsNameAndSlash() {
        RunKeys keys = RunKeys.fresh("p/", Workload.EXPIRY_STORM);

        assertThat(keys.child("storm").prefixText()).isEqualTo(keys.prefixText() + "storm/");
    }

    @Test
    void randomValueHasRequestedSize() {
        assertThat(RunKeys.randomValue(256).size()).isEqualTo(256);
        assertThat(RunKeys.randomValue(0).isEmpty()).isTrue();
    }
}
