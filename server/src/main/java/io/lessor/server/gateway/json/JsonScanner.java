package io.lessor.server.gateway.json;

import java.util.Arrays;

/**
 * A JSON syntax checker that reads one byte at a time and reports errors with the messages of
 * Go's {@code encoding/json} scanner (Go 1.19, which etcd 3.4.23 is built with), such as
 * {@code invalid character '}' looking for beginning of object key string}.
 *
 * <p>etcd's gateway decodes request bodies with Go's {@code json.Decoder}, so its error
 * messages are what HTTP clients of etcd see. This class follows the state machine that
 * produces them: the same states, the same contexts in the messages, and the same limit of
 * {@value #MAX_NESTING_DEPTH} nested arrays and objects.
 *
 * <p>Thread-safety: not thread-safe; one scanner checks one value at a time.
 */
final class JsonScanner {

    /*
     * Implementation notes. Each state is an int; step() switches on it, and "fall through to
     * state X with the same byte" is a loop iteration with the state replaced. The parse stack
     * records, for each open array or object, whether the next item is an object key, an object
     * value or an array element, as Go's scanner does.
     */

    /** Go's limit on nested arrays and objects. */
    static final int MAX_NESTING_DEPTH = 10_000;

    /** The outcome of one byte. */
    enum Step {
        /** The byte belongs to the value and the value goes on. */
        CONTINUE,
        /** The value ended before this byte, which is not part of it. */
        END_BEFORE,
        /** The byte closed an object or array that is the whole value: the value ends with it. */
        END_WITH,
        /** The byte is a syntax error, which {@link #error()} returns. */
        ERROR
    }

    private static final int PARSE_OBJECT_KEY = 0;
    private static final int PARSE_OBJECT_VALUE = 1;
    private static final int PARSE_ARRAY_VALUE = 2;

    private static final int BEGIN_VALUE = 0;
    private static final int BEGIN_VALUE_OR_EMPTY = 1;
    private static final int BEGIN_STRING_OR_EMPTY = 2;
    private static final int BEGIN_STRING = 3;
    private static final int END_VALUE = 4;
    private static final int END_TOP = 5;
    private static final int IN_STRING = 6;
    private static final int IN_STRING_ESC = 7;
    private static final int IN_STRING_ESC_U = 8;
    private static final int IN_STRING_ESC_U1 = 9;
    private static final int IN_STRING_ESC_U12 = 10;
    private static final int IN_STRING_ESC_U123 = 11;
    private static final int NEG = 12;
    private static final int ONE = 13;
    private static final int ZERO = 14;
    private static final int DOT = 15;
    private static final int DOT0 = 16;
    private static final int EXP = 17;
    private static final int EXP_SIGN = 18;
    private static final int EXP0 = 19;
    private static final int LITERAL = 20;
    private static final int FAILED = 21;

    private int state = BEGIN_VALUE;
    private int[] parseStack = new int[16];
    private int depth;
    private String error;

    // Literal progress: the rest of "true", "false" or "null" still expected.
    private String literal;
    private int literalIndex;

    /** Starts over for a new value. */
    void reset() {
        state = BEGIN_VALUE;
        depth = 0;
        error = null;
        literal = null;
    }

    /** Returns the syntax error after a step returned {@link Step#ERROR}. */
    String error() {
        return error;
    }

    /** Returns whether only whitespace was seen since the last reset. */
    boolean atStart() {
        return state == BEGIN_VALUE && depth == 0;
    }

    /** Feeds one byte. */
    Step step(int c) {
        while (true) {
            switch (state) {
                case BEGIN_VALUE_OR_EMPTY -> {
                    if (isSpace(c)) {
                        return Step.CONTINUE;
                    }
                    if (c == ']') {
                        state = END_VALUE;
                        continue;
                    }
                    state = BEGIN_VALUE;
                }
                case BEGIN_VALUE -> {
                    return beginValue(c);
                }
                case BEGIN_STRING_OR_EMPTY -> {
                    if (isSpace(c)) {
                        return Step.CONTINUE;
                    }
                    if (c == '}') {
                        parseStack[depth - 1] = PARSE_OBJECT_VALUE;
                        state = END_VALUE;
                        continue;
                    }
                    state = BEGIN_STRING;
                }
                case BEGIN_STRING -> {
                    if (isSpace(c)) {
                        return Step.CONTINUE;
                    }
                    if (c == '"') {
                        state = IN_STRING;
                        return Step.CONTINUE;
                    }
                    return fail(c, "looking for beginning of object key string");
                }
                case END_VALUE -> {
                    return endValue(c);
                }
                case END_TOP -> {
                    return Step.END_BEFORE;
                }
                case IN_STRING -> {
                    if (c == '"') {
                        state = END_VALUE;
                    } else if (c == '\\') {
                        state = IN_STRING_ESC;
                    } else if (c < 0x20) {
                        return fail(c, "in string literal");
                    }
                    return Step.CONTINUE;
                }
                case IN_STRING_ESC -> {
                    switch (c) {
                        case 'b', 'f', 'n', 'r', 't', '\\', '/', '"' -> state = IN_STRING;
                        case 'u' -> state = IN_STRING_ESC_U;
                        default -> {
                            return fail(c, "in string escape code");
                        }
                    }
                    return Step.CONTINUE;
                }
                case IN_STRING_ESC_U, IN_STRING_ESC_U1, IN_STRING_ESC_U12, IN_STRING_ESC_U123 -> {
                    if (!isHex(c)) {
                        return fail(c, "in \\u hexadecimal character escape");
                    }
                    state = state == IN_STRING_ESC_U123 ? IN_STRING : state + 1;
                    return Step.CONTINUE;
                }
                case NEG -> {
                    if (c == '0') {
                        state = ZERO;
                    } else if (c >= '1' && c <= '9') {
                        state = ONE;
                    } else {
                        return fail(c, "in numeric literal");
                    }
                    return Step.CONTINUE;
                }
                case ONE -> {
                    if (isDigit(c)) {
                        return Step.CONTINUE;
                    }
                    state = ZERO;
                }
                case ZERO -> {
                    if (c == '.') {
                        state = DOT;
                        return Step.CONTINUE;
                    }
                    if (c == 'e' || c == 'E') {
                        state = EXP;
                        return Step.CONTINUE;
                    }
                    state = END_VALUE;
                }
                case DOT -> {
                    if (isDigit(c)) {
                        state = DOT0;
                        return Step.CONTINUE;
                    }
                    return fail(c, "after decimal point in numeric literal");
                }
                case DOT0 -> {
                    if (isDigit(c)) {
                        return Step.CONTINUE;
                    }
                    if (c == 'e' || c == 'E') {
                        state = EXP;
                        return Step.CONTINUE;
                    }
                    state = END_VALUE;
                }
                case EXP -> {
                    if (c == '+' || c == '-') {
                        state = EXP_SIGN;
                        return Step.CONTINUE;
                    }
                    state = EXP_SIGN;
                }
                case EXP_SIGN -> {
                    if (isDigit(c)) {
                        state = EXP0;
                        return Step.CONTINUE;
                    }
                    return fail(c, "in exponent of numeric literal");
                }
                case EXP0 -> {
                    if (isDigit(c)) {
                        return Step.CONTINUE;
                    }
                    state = END_VALUE;
                }
                case LITERAL -> {
                    char expected = literal.charAt(literalIndex);
                    if (c != expected) {
                        return fail(c, "in literal " + literal + " (expecting '" + expected + "')");
                    }
                    literalIndex++;
                    if (literalIndex == literal.length()) {
                        state = END_VALUE;
                    }
                    return Step.CONTINUE;
                }
                default -> {
                    return Step.ERROR;
                }
            }
        }
    }

    /**
     * Feeds the end of the input, as Go does by stepping a space: returns whether the value is
     * complete. An incomplete value has no error of its own here; callers report their own
     * "unexpected EOF" or "unexpected end of JSON input", as Go's callers do.
     */
    boolean endOfInput() {
        if (state == END_TOP) {
            return true;
        }
        Step step = step(' ');
        return state == END_TOP || step == Step.END_BEFORE || step == Step.END_WITH;
    }

    private Step beginValue(int c) {
        if (isSpace(c)) {
            return Step.CONTINUE;
        }
        switch (c) {
            case '{' -> {
                state = BEGIN_STRING_OR_EMPTY;
                return push(c, PARSE_OBJECT_KEY);
            }
            case '[' -> {
                state = BEGIN_VALUE_OR_EMPTY;
                return push(c, PARSE_ARRAY_VALUE);
            }
            case '"' -> state = IN_STRING;
            case '-' -> state = NEG;
            case '0' -> state = ZERO;
            case 't' -> startLiteral("true");
            case 'f' -> startLiteral("false");
            case 'n' -> startLiteral("null");
            default -> {
                if (c >= '1' && c <= '9') {
                    state = ONE;
                } else {
                    return fail(c, "looking for beginning of value");
                }
            }
        }
        return Step.CONTINUE;
    }

    private void startLiteral(String word) {
        literal = word;
        literalIndex = 1;
        state = LITERAL;
    }

    private Step endValue(int c) {
        if (depth == 0) {
            state = END_TOP;
            return Step.END_BEFORE;
        }
        if (isSpace(c)) {
            return Step.CONTINUE;
        }
        switch (parseStack[depth - 1]) {
            case PARSE_OBJECT_KEY -> {
                if (c == ':') {
                    parseStack[depth - 1] = PARSE_OBJECT_VALUE;
                    state = BEGIN_VALUE;
                    return Step.CONTINUE;
                }
                return fail(c, "after object key");
            }
            case PARSE_OBJECT_VALUE -> {
                if (c == ',') {
                    parseStack[depth - 1] = PARSE_OBJECT_KEY;
                    state = BEGIN_STRING;
                    return Step.CONTINUE;
                }
                if (c == '}') {
                    return pop();
                }
                return fail(c, "after object key:value pair");
            }
            default -> {
                if (c == ',') {
                    state = BEGIN_VALUE;
                    return Step.CONTINUE;
                }
                if (c == ']') {
                    return pop();
                }
                return fail(c, "after array element");
            }
        }
    }

    private Step push(int c, int parseState) {
        if (depth == parseStack.length) {
            parseStack = Arrays.copyOf(parseStack, depth * 2);
        }
        parseStack[depth++] = parseState;
        if (depth > MAX_NESTING_DEPTH) {
            return fail(c, "exceeded max depth");
        }
        return Step.CONTINUE;
    }

    private Step pop() {
        depth--;
        state = END_VALUE;
        if (depth == 0) {
            // Go ends a top-level object or array at its closing byte, without reading another.
            state = END_TOP;
            return Step.END_WITH;
        }
        return Step.CONTINUE;
    }

    private Step fail(int c, String context) {
        state = FAILED;
        error = "invalid character " + GoStrings.quoteChar(c) + " " + context;
        return Step.ERROR;
    }

    static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHex(int c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
