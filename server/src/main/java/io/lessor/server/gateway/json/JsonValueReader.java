package io.lessor.server.gateway.json;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a request body into JSON values the way Go's {@code json.Decoder} reads them one
 * {@code Decode} call after another: leading whitespace is skipped, an object or array ends at
 * its closing bracket, a number or literal ends at the first byte that cannot continue it, and
 * anything after a value waits for the next call.
 *
 * <p>Feed it the body as it arrives; it keeps the bytes of the value in progress only.
 *
 * <p>Thread-safety: not thread-safe.
 */
public final class JsonValueReader {

    private final JsonScanner scanner = new JsonScanner();
    private final int maxValueBytes;
    private ByteArrayOutputStream current = new ByteArrayOutputStream();
    private boolean failed;

    /**
     * Creates a reader.
     *
     * @param maxValueBytes the longest value it buffers; a longer one fails with
     *     {@link ValueTooLargeException}
     */
    public JsonValueReader(int maxValueBytes) {
        this.maxValueBytes = maxValueBytes;
    }

    /**
     * Feeds bytes and returns the values they complete, in order.
     *
     * @throws JsonDecodeException on a syntax error, with Go's message; the reader is then done
     * @throws ValueTooLargeException if a value grows past the limit
     */
    public List<RawJson> feed(byte[] chunk, int offset, int length) throws JsonDecodeException, ValueTooLargeException {
        List<RawJson> values = new ArrayList<>(1);
        scan(chunk, offset, length, values, false);
        return values;
    }

    private void scan(byte[] chunk, int offset, int length, List<RawJson> values, boolean firstOnly)
            throws JsonDecodeException, ValueTooLargeException {
        for (int i = offset; i < offset + length; i++) {
            int c = chunk[i] & 0xFF;
            JsonScanner.Step step = scanner.step(c);
            if (step == JsonScanner.Step.END_BEFORE) {
                values.add(take());
                if (firstOnly) {
                    return;
                }
                // The byte starts whatever comes next.
                step = scanner.step(c);
            }
            switch (step) {
                case ERROR -> {
                    failed = true;
                    throw new JsonDecodeException(scanner.error());
                }
                case END_WITH -> {
                    current.write(c);
                    values.add(take());
                    if (firstOnly) {
                        return;
                    }
                }
                default -> {
                    if (!scanner.atStart()) {
                        current.write(c);
                    }
                }
            }
            if (current.size() > maxValueBytes) {
                failed = true;
                throw new ValueTooLargeException(current.size());
            }
        }
    }

    /**
     * Ends the input. Returns the last value if the input completes one, or {@code null} if only
     * whitespace was left.
     *
     * @throws JsonDecodeException "unexpected EOF" if a value was left unfinished, as Go's
     *     decoder reports it
     */
    public RawJson finish() throws JsonDecodeException {
        if (failed || scanner.atStart()) {
            return null;
        }
        if (scanner.endOfInput()) {
            return take();
        }
        failed = true;
        throw new JsonDecodeException("unexpected EOF");
    }

    /**
     * Reads the first JSON value of a whole body, as one {@code Decode} call of Go's decoder
     * does: bytes after it are not looked at. Returns {@code null} for a body of whitespace only.
     *
     * @throws JsonDecodeException on a syntax error within the first value, or "unexpected EOF"
     */
    public RawJson readFirst(byte[] body) throws JsonDecodeException, ValueTooLargeException {
        List<RawJson> values = new ArrayList<>(1);
        scan(body, 0, body.length, values, true);
        return values.isEmpty() ? finish() : values.getFirst();
    }

    private RawJson take() {
        byte[] bytes = current.toByteArray();
        current = new ByteArrayOutputStream();
        scanner.reset();
        return RawJson.trimmed(bytes, 0, bytes.length);
    }

    /** A value longer than the reader buffers. */
    public static final class ValueTooLargeException extends Exception {

        private static final long serialVersionUID = 1L;

        private final long bytesRead;

        ValueTooLargeException(long bytesRead) {
            super("JSON value longer than " + bytesRead + " bytes", null, false, false);
            this.bytesRead = bytesRead;
        }

        /** Returns how many bytes of the value were read when the limit was passed. */
        public long bytesRead() {
            return bytesRead;
        }
    }
}
