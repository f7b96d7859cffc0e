package io.lessor.server.gateway.json;

import java.util.Arrays;

/**
 * Standard base64 decoding with Go's rules and Go's error offsets ({@code encoding/base64},
 * {@code StdEncoding}, not strict): padding required, CR and LF ignored, unused trailing bits
 * allowed, and an error names the offset of the first byte it could not use, as in
 * {@code illegal base64 data at input byte 4}.
 *
 * <p>Thread-safety: stateless.
 */
final class GoBase64 {

    private static final byte[] DECODE = new byte[256];

    static {
        Arrays.fill(DECODE, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            DECODE[alphabet.charAt(i)] = (byte) i;
        }
    }

    private GoBase64() {
    }

    /**
     * Decodes {@code src}.
     *
     * @throws JsonDecodeException "illegal base64 data at input byte N"
     */
    static byte[] decode(byte[] src) throws JsonDecodeException {
        byte[] out = new byte[src.length / 4 * 3 + 3];
        int written = 0;
        int si = 0;
        while (si < src.length) {
            // One quantum: up to four symbols, newlines skipped, padding ends the input.
            int[] symbols = new int[4];
            int count = 0;
            boolean end = false;
            while (count < 4) {
                if (si == src.length) {
                    if (count == 0) {
                        return Arrays.copyOf(out, written);
                    }
                    throw corrupt(si - count);
                }
                int in = src[si] & 0xFF;
                si++;
                int value = DECODE[in];
                if (value >= 0) {
                    symbols[count++] = value;
                    continue;
                }
                if (in == '\n' || in == '\r') {
                    continue;
                }
                if (in != '=') {
                    throw corrupt(si - 1);
                }
                if (count < 2) {
                    throw corrupt(si - 1);
                }
                if (count == 2) {
                    // A second '=' must follow, newlines aside.
                    si = skipNewlines(src, si);
                    if (si == src.length) {
                        throw corrupt(src.length);
                    }
                    if (src[si] != '=') {
                        throw corrupt(si - 1);
                    }
                    si++;
                }
                si = skipNewlines(src, si);
                if (si < src.length) {
                    throw corrupt(si);
                }
                end = true;
                break;
            }
            int value = symbols[0] << 18 | symbols[1] << 12 | symbols[2] << 6 | symbols[3];
            int bytes = count == 4 ? 3 : count - 1;
            for (int k = 0; k < bytes; k++) {
                out[written++] = (byte) (value >> (16 - 8 * k));
            }
            if (end) {
                break;
            }
        }
        return Arrays.copyOf(out, written);
    }

    private static int skipNewlines(byte[] src, int si) {
        while (si < src.length && (src[si] == '\n' || src[si] == '\r')) {
            si++;
        }
        return si;
    }

    private static JsonDecodeException corrupt(int offset) {
        return new JsonDecodeException("illegal base64 data at input byte " + offset);
    }
}
