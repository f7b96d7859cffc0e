package io.lessor.bench.load;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The keys of one run, all under a prefix of their own: the {@code --prefix}, the workload's
 * name, and a random run id, such as {@code lessor-bench/put/3f09a1c2/}. Key number {@code i}
 * is the prefix followed by {@code i} as 8 hexadecimal digits, the 8-byte key of etcd's own
 * benchmark tool.
 */
final class RunKeys {

    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final byte[] prefix;

    private RunKeys(byte[] prefix) {
        this.prefix = prefix;
    }

    /** Returns the keys of a new run of {@code workload} under {@code base}. */
    static RunKeys fresh(String base, Workload workload) {
        String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        return new RunKeys((base + workload.commandName() + "/" + runId + "/").getBytes(StandardCharsets.UTF_8));
    }

    /** Returns the keys under this prefix followed by {@code name} and a slash. */
    RunKeys child(String name) {
        return new RunKeys(concat(prefix, (name + "/").getBytes(StandardCharsets.UTF_8)));
    }

    /** Returns the prefix. */
    ByteString prefix() {
        return ByteString.copyFrom(prefix);
    }

    /** Returns the prefix as text, for reports. */
    String prefixText() {
        return new String(prefix, StandardCharsets.UTF_8);
    }

    /**
     * Returns the end of the prefix's range, as etcd's {@code --prefix} computes it: the prefix
     * with its last byte below 0xff incremented and the bytes after it dropped.
     */
    ByteString rangeEnd() {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if ((prefix[i] & 0xff) != 0xff) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return ByteString.copyFrom(end);
            }
        }
        // A prefix of only 0xff bytes has no upper bound; etcd reads "\0" as "to the end".
        return ByteString.copyFrom(new byte[] {0});
    }

    /**
     * Returns key number {@code index}.
     *
     * @throws IllegalArgumentException if {@code index} does not fit in 8 hexadecimal digits
     */
    ByteString key(long index) {
        if (index < 0 || index >= LoadOptions.MAX_KEY_SPACE) {
            throw new IllegalArgumentException("key index must be from 0 to 2^32 - 1, got " + index);
        }
        byte[] key = Arrays.copyOf(prefix, prefix.length + 8);
        for (int digit = 7; digit >= 0; digit--) {
            key[prefix.length + digit] = HEX_DIGITS[(int) (index & 0xf)];
            index >>>= 4;
        }
        return ByteString.copyFrom(key);
    }

    /** Returns {@code size} random bytes, the value that the run's puts write. */
    static ByteString randomValue(int size) {
        byte[] value = new byte[size];
        ThreadLocalRandom.current().nextBytes(value);
        return ByteString.copyFrom(value);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }

    @Override
    public String toString() {
        return prefixText();
    }
}
