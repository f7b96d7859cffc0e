package io.lessor.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesNestedObjectsAndArraysInOrder() {
        Object value = Json.parse(" {\"b\": [1, {\"c\": null}], \"a\": true, \"e\": {}, \"f\": [] } ");

        assertThat(value).isInstanceOf(LinkedHashMap.class);
        Map<?, ?> object = (Map<?, ?>) value;
        assertThat(List.copyOf(object.keySet())).isEqualTo(List.of("b", "a", "e", "f"));
        List<?> b = (List<?>) object.get("b");
        assertThat(b.get(0)).isEqualTo(new BigDecimal("1"));
        Map<?, ?> c = (Map<?, ?>) b.get(1);
        assertThat(c.size()).isEqualTo(1);
        assertThat(c.containsKey("c")).isTrue();
        assertThat(c.get("c")).isNull();
        assertThat(object.get("a")).isEqualTo(Boolean.TRUE);
        assertThat((Map<?, ?>) object.get("e")).isEmpty();
        assertThat((List<?>) object.get("f")).isEmpty();
    }

    @Test
    void decodesEveryEscape() {
        Object value = Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00\"");

        assertThat(value).isEqualTo("q\" b\\ s/ \b\f\n\r\t \u00e9 \ud83d\ude00");
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "-0, 0", "42, 42", "-17, -17", "3.25, 3.25", "1e3, 1000", "2.5E-1, 0.25", "-1E+2, -100"})
    void parsesNumbers(String text, String expected) {
        assertThat((BigDecimal) Json.parse(text)).isEqualByComparingTo(expected);
    }

    @Test
    void parsesLiterals() {
        assertThat(Json.parse("true")).isEqualTo(true);
        assertThat(Json.parse("false")).isEqualTo(false);
        assertThat(Json.parse(" null ")).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                 | 0 | unexpected end of input",
        "'{\"a\" 1}'        | 5 | expected ':'",
        "'{\"a\": 1,}'      | 8 | expected a member name",
        "'[1 2]'            | 3 | expected ']'",
        "'\"abc'            | 4 | unterminated string",
        "'\"a\\x\"'         | 3 | invalid escape '\\x'",
        "'\"\\u12g4\"'      | 5 | invalid hex digit in a \\u escape",
        "'\"\\u12'          | 3 | truncated \\u escape",
        "'01'               | 1 | unexpected text after the value",
        "'-'                | 1 | expected a digit",
        "'1.'               | 2 | expected a digit after the decimal point",
        "'1e'               | 2 | expected a digit in the exponent",
        "'tru'              | 0 | expected 'true'",
        "'{} x'             | 3 | unexpected text after the value",
        "'@'                | 0 | unexpected character '@'",
    })
    void rejectsInvalidTextWithOffset(String text, int offset, String problem) {
        assertThatThrownBy(() -> Json.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid JSON at offset " + offset + ": " + problem);
    }

    @Test
    void rejectsControlCharacterInString() {
        assertThatThrownBy(() -> Json.parse("\"a\nb\""))
                .hasMessage("invalid JSON at offset 3: unescaped control character in a string");
    }

    @Test
    void rejectsNestingDeeperThanLimit() {
        char[] open = new char[Json.MAX_DEPTH + 2];
        Arrays.fill(open, '[');

        assertThatThrownBy(() -> Json.parse(new String(open)))
                .hasMessage("invalid JSON at offset " + (Json.MAX_DEPTH + 1) + ": nesting deeper than " + Json.MAX_DEPTH);
    }

    @Test
    void acceptsNestingAtLimit() {
        String text = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);

        assertThat(Json.parse(text)).isInstanceOf(List.class);
    }
}
