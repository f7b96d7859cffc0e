package io.lessor.server.gateway.json;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Go's rules for text that etcd's gateway shows: how {@code encoding/json} unquotes a JSON
 * string, how it escapes one on output, and how {@code strconv} quotes a character or a string
 * in an error message.
 *
 * <p>Thread-safety: stateless.
 */
final class GoStrings {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int REPLACEMENT = 0xFFFD;

    private GoStrings() {
    }

    /** Quotes one byte of input for a syntax error, as Go's scanner does: {@code 'x'}, {@code '\t'}, {@code '"'}. */
    static String quoteChar(int c) {
        if (c == '\'') {
            return "'\\''";
        }
        if (c == '"') {
            return "'\"'";
        }
        // Go quotes the byte as the code point of the same value.
        StringBuilder out = new StringBuilder("'");
        appendQuotedRune(out, c);
        return out.append('\'').toString();
    }

    /** Quotes bytes as Go's {@code %q} does: double quotes, escapes for what is not printable. */
    static String quote(byte[] bytes, int start, int end) {
        StringBuilder out = new StringBuilder("\"");
        int i = start;
        while (i < end) {
            long decoded = decodeRune(bytes, i, end);
            int rune = (int) decoded;
            int size = (int) (decoded >>> 32);
            if (rune == REPLACEMENT && size == 1) {
                out.append("\\x").append(HEX[(bytes[i] >> 4) & 0xF]).append(HEX[bytes[i] & 0xF]);
            } else if (rune == '"') {
                out.append("\\\"");
            } else {
                appendQuotedRune(out, rune);
            }
            i += size;
        }
        return out.append('"').toString();
    }

    private static void appendQuotedRune(StringBuilder out, int rune) {
        switch (rune) {
            case 0x07 -> out.append("\\a");
            case '\b' -> out.append("\\b");
            case '\f' -> out.append("\\f");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            case 0x0B -> out.append("\\v");
            case '\\' -> out.append("\\\\");
            default -> {
                if (rune < 0x20 || rune == 0x7F) {
                    out.append("\\x").append(HEX[rune >> 4]).append(HEX[rune & 0xF]);
                } else if (isPrint(rune)) {
                    out.appendCodePoint(rune);
                } else if (rune < 0x10000) {
                    out.append(String.format("\\u%04x", rune));
                } else {
                    out.append(String.format("\\U%08x", rune));
                }
            }
        }
    }

    /** Approximates Go's {@code strconv.IsPrint}: letters, marks, numbers, punctuation, symbols and the ASCII space. */
    private static boolean isPrint(int rune) {
        if (rune == ' ') {
            return true;
        }
        return switch (Character.getType(rune)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                    Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    /**
     * Unquotes a JSON string literal (quotes included, syntax already checked) as Go does:
     * escapes resolved, surrogate pairs joined, and a lone surrogate or an invalid UTF-8 byte
     * replaced by U+FFFD. Returns UTF-8 bytes.
     */
    static byte[] unquote(byte[] bytes, int start, int end) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(end - start);
        int i = start + 1;
        int last = end - 1;
        while (i < last) {
            int b = bytes[i] & 0xFF;
            if (b == '\\') {
                int escape = bytes[i + 1];
                if (escape == 'u') {
                    int rune = hex4(bytes, i + 2);
                    i += 6;
                    if (rune >= 0xD800 && rune < 0xE000) {
                        int low = i + 6 <= last && bytes[i] == '\\' && bytes[i + 1] == 'u' ? hex4(bytes, i + 2) : -1;
                        if (rune < 0xDC00 && low >= 0xDC00 && low < 0xE000) {
                            rune = 0x10000 + ((rune - 0xD800) << 10) + (low - 0xDC00);
                            i += 6;
                        } else {
                            rune = REPLACEMENT;
                        }
                    }
                    writeUtf8(out, rune);
                    continue;
                }
                out.write(switch (escape) {
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    default -> escape;
                });
                i += 2;
            } else if (b < 0x80) {
                out.write(b);
                i++;
            } else {
                long decoded = decodeRune(bytes, i, last);
                int size = (int) (decoded >>> 32);
                if ((int) decoded == REPLACEMENT && size == 1) {
                    writeUtf8(out, REPLACEMENT);
                } else {
                    out.write(bytes, i, size);
                }
                i += size;
            }
        }
        return out.toByteArray();
    }

    /** Unquotes a JSON string literal into a Java string; see {@link #unquote}. */
    static String unquoteToString(byte[] bytes, int start, int end) {
        return new String(unquote(bytes, start, end), StandardCharsets.UTF_8);
    }

    /**
     * Appends {@code text} as a JSON string the way Go's {@code encoding/json} writes it: with
     * {@code <}, {@code >}, {@code &}, U+2028 and U+2029 escaped, and control characters other
     * than tab, newline and carriage return as &#92;u00XX escapes.
     */
    static void appendJsonString(StringBuilder out, String text) {
        out.append('"');
        int i = 0;
        while (i < text.length()) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<', '>', '&', 0x2028, 0x2029 -> out.append(String.format("\\u%04x", c));
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else if (Character.isSurrogate((char) c)) {
                        // A lone surrogate in a Java string is text that was not valid UTF-8.
                        out.append("\\ufffd");
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Decodes one UTF-8 sequence as Go's {@code utf8.DecodeRune} does: returns the rune in the
     * low 32 bits and its length in the high 32 bits; an invalid or incomplete sequence is
     * U+FFFD with length 1.
     */
    private static long decodeRune(byte[] bytes, int i, int end) {
        int b0 = bytes[i] & 0xFF;
        if (b0 < 0x80) {
            return pack(b0, 1);
        }
        int size;
        int rune;
        int min;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            size = 2;
            rune = b0 & 0x1F;
            min = 0x80;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            size = 3;
            rune = b0 & 0x0F;
            min = 0x800;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            size = 4;
            rune = b0 & 0x07;
            min = 0x10000;
        } else {
            return pack(REPLACEMENT, 1);
        }
        if (i + size > end) {
            return pack(REPLACEMENT, 1);
        }
        for (int k = 1; k < size; k++) {
            int b = bytes[i + k] & 0xFF;
            if ((b & 0xC0) != 0x80) {
                return pack(REPLACEMENT, 1);
            }
            rune = (rune << 6) | (b & 0x3F);
        }
        if (rune < min || rune > 0x10FFFF || (rune >= 0xD800 && rune < 0xE000)) {
            return pack(REPLACEMENT, 1);
        }
        return pack(rune, size);
    }

    private static long pack(int rune, int size) {
        return ((long) size << 32) | (rune & 0xFFFFFFFFL);
    }

    private static int hex4(byte[] bytes, int i) {
        int value = 0;
        for (int k = 0; k < 4; k++) {
            value = (value << 4) | Character.digit(bytes[i + k], 16);
        }
        return value;
    }

    private static void writeUtf8(ByteArrayOutputStream out, int rune) {
        byte[] encoded = new String(Character.toChars(rune)).getBytes(StandardCharsets.UTF_8);
        out.write(encoded, 0, encoded.length);
    }
}
