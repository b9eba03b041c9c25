package dev.facesweep.coordinator.apply;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class JsonStyleTest {

    /** What Python's json.dump(obj, f, indent=2) writes (ensure_ascii on, no final newline). */
    static final String PYTHON_INDENT_2 = """
            {
              "name": "caf\\u00e9 \\u9854",
              "faces": [
                {
                  "file": "faces/a.png",
                  "w": 512
                },
                "faces/b.png"
              ],
              "empty": [],
              "obj": {},
              "ratio": 0.5,
              "big": 1.0,
              "neg": -3,
              "flag": true,
              "none": null,
              "quote": "a \\"b\\" \\\\ c\\n"
            }""";

    @ParameterizedTest
    @ValueSource(strings = {
        PYTHON_INDENT_2,
        // indent=4, ensure_ascii=False, final newline
        "{\n    \"name\": \"café 顔\",\n    \"list\": [\n        1,\n        2\n    ]\n}\n",
        // json.dumps defaults: one line, ", " and ": "
        "{\"a\": [1, 2], \"b\": {\"c\": \"d\"}, \"e\": []}",
        // minified, final newline
        "{\"a\":[1,2],\"b\":{\"c\":\"d\"}}\n",
        // tabs and CRLF
        "{\r\n\t\"a\": [\r\n\t\t1\r\n\t],\r\n\t\"b\": \"x\"\r\n}\r\n"
    })
    void writesBackExactlyWhatItRead(String text) throws Exception {
        JsonNode tree = JsonStyle.parse(text);
        assertThat(JsonStyle.detect(text).write(tree)).isEqualTo(text);
    }

    @Test
    void anEditedTreeKeepsTheStyle() throws Exception {
        ObjectNode tree = (ObjectNode) JsonStyle.parse(PYTHON_INDENT_2);
        tree.remove("faces");
        tree.put("added", "Zoë");
        String out = JsonStyle.detect(PYTHON_INDENT_2).write(tree);
        assertThat(out).startsWith("{\n  \"name\": \"caf\\u00e9 \\u9854\",\n  \"empty\": [],")
                .endsWith("  \"added\": \"Zo\\u00eb\"\n}");
    }

    @Test
    void detectsTheStyleOfTypicalFiles() {
        JsonStyle python = JsonStyle.detect(PYTHON_INDENT_2);
        assertThat(python.indent()).isEqualTo("  ");
        assertThat(python.keySeparator()).isEqualTo(": ");
        assertThat(python.asciiOnly()).isTrue();
        assertThat(python.finalNewline()).isFalse();
        JsonStyle raw = JsonStyle.detect("{\"a\":\"é\"}\n");
        assertThat(raw.indent()).isNull();
        assertThat(raw.keySeparator()).isEqualTo(":");
        assertThat(raw.asciiOnly()).isFalse();
        assertThat(raw.finalNewline()).isTrue();
    }
}
