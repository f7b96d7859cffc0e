package io.lessor.server.gateway.json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JSON value, kept as the bytes it was read from, like Go's {@code json.RawMessage}. The
 * bytes must already be valid JSON; {@link JsonValueReader} checks them before making one.
 *
 * <p>Walking an object or array skips nested values by counting brackets rather than by
 * recursion, so deep nesting costs no stack.
 *
 * @param bytes the buffer
 * @param start index of the first byte of the value, after any whitespace
 * @param end index just past the last byte of the value
 */
public record RawJson(byte[] bytes, int start, int end) {

    /** The kind of a JSON value, named as Go names it in "cannot unmarshal" errors. */
    enum Kind {
        OBJECT("object"), ARRAY("array"), STRING("string"), NUMBER("number"), BOOL("bool"), NULL("null");

        private final String goName;

        Kind(String goName) {
            this.goName = goName;
        }

        String goName() {
            return goName;
        }
    }

    /** Returns {@code bytes[start, end)} with the surrounding whitespace trimmed. */
    static RawJson trimmed(byte[] bytes, int start, int end) {
        int s = start;
        int e = end;
        while (s < e && JsonScanner.isSpace(bytes[s])) {
            s++;
        }
        while (e > s && JsonScanner.isSpace(bytes[e - 1])) {
            e--;
        }
        return new RawJson(bytes, s, e);
    }

    Kind kind() {
        return switch (bytes[start]) {
            case '{' -> Kind.OBJECT;
            case '[' -> Kind.ARRAY;
            case '"' -> Kind.STRING;
            case 't', 'f' -> Kind.BOOL;
            case 'n' -> Kind.NULL;
            default -> Kind.NUMBER;
        };
    }

    boolean isNull() {
        return kind() == Kind.NULL;
    }

    /** Returns the value's text, such as a number literal. */
    String text() {
        return new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }

    /** Returns the members of an object, keys unquoted; a repeated key keeps its last value, as in Go. */
    Map<String, RawJson> members() {
        Map<String, RawJson> members = new LinkedHashMap<>();
        int i = skipSpace(start + 1);
        while (bytes[i] != '}') {
            int keyEnd = skipValue(i);
            String key = GoStrings.unquoteToString(bytes, i, keyEnd);
            int valueStart = skipSpace(skipSpace(keyEnd) + 1);
            int valueEnd = skipValue(valueStart);
            members.remove(key);
            members.put(key, new RawJson(bytes, valueStart, valueEnd));
            i = skipSpace(valueEnd);
            if (bytes[i] == ',') {
                i = skipSpace(i + 1);
            }
        }
        return members;
    }

    /** Returns the elements of an array. */
    List<RawJson> elements() {
        List<RawJson> elements = new ArrayList<>();
        int i = skipSpace(start + 1);
        while (bytes[i] != ']') {
            int valueEnd = skipValue(i);
            elements.add(new RawJson(bytes, i, valueEnd));
            i = skipSpace(valueEnd);
            if (bytes[i] == ',') {
                i = skipSpace(i + 1);
            }
        }
        return elements;
    }

    private int skipSpace(int i) {
        while (JsonScanner.isSpace(bytes[i])) {
            i++;
        }
        return i;
    }

    /** Returns the index just past the value that starts at {@code i}. */
    private int skipValue(int i) {
        int depth = 0;
        while (true) {
            byte b = bytes[i];
            if (b == '"') {
                i = skipString(i);
                if (depth == 0) {
                    return i;
                }
                continue;
            }
            if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                if (depth == 0) {
                    return i;
                }
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            } else if (depth == 0 && (b == ',' || b == ':' || JsonScanner.isSpace(b))) {
                return i;
            }
            i++;
            if (depth == 0 && i >= end) {
                return i;
            }
        }
    }

    private int skipString(int i) {
        i++;
        while (bytes[i] != '"') {
            i += bytes[i] == '\\' ? 2 : 1;
        }
        return i + 1;
    }
}
