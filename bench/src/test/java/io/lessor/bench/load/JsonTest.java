package io.lessor.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesNestedValuesInOrder() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", "put");
        root.put("count", 3L);
        root.put("ratio", 0.5);
        root.put("ok", true);
        root.put("none", null);
        root.put("list", List.of(1, "two"));
        root.put("empty", Map.of());

        assertThat(Json.write(root)).isEqualTo("""
                {
                  "name": "put",
                  "count": 3,
                  "ratio": 0.5,
                  "ok": true,
                  "none": null,
                  "list": [
                    1,
                    "two"
                  ],
                  "empty": {}
                }
                """);
    }

    @Test
    void escapesControlCharactersAndQuotes() {
        assertThat(Json.write("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"\n");
    }

    @Test
    void nonFiniteNumbersBecomeNull() {
        assertThat(Json.write(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY))).isEqualTo("[\n  null,\n  null\n]\n");
    }
}
