package dev.facesweep.tokenizer;

import dev.facesweep.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Golden token ids from the fixture's {@code reference.json} (made by open_clip) and the prompt lists. */
final class ReferencePrompts {

    static final String LONG_PROMPT_START = "a very long prompt";

    private ReferencePrompts() {
    }

    static Path vocabGz() {
        return Fixtures.clipTinyModel().resolve("textual").resolve(BpeTokenizer.VOCAB_FILE);
    }

    /** Prompt text to open_clip's ids (with start and end tokens, no padding), in file order. */
    static Map<String, int[]> tokenIds() {
        JsonNode prompts = read("reference.json").path("prompts");
        Map<String, int[]> ids = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : prompts.properties()) {
            JsonNode list = e.getValue().path("token_ids");
            int[] values = new int[list.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = list.get(i).asInt();
            }
            ids.put(e.getKey(), values);
        }
        return ids;
    }

    /** Every prompt text in {@code prompts.json}: the attribute prompts and the tokenizer-only strings. */
    static List<String> allPromptTexts() {
        JsonNode prompts = read("prompts.json");
        List<String> texts = new ArrayList<>();
        for (JsonNode attribute : prompts.path("attributes")) {
            attribute.path("positive").forEach(p -> texts.add(p.asString()));
            attribute.path("negative").forEach(p -> texts.add(p.asString()));
        }
        prompts.path("tokenizer_only").forEach(p -> texts.add(p.asString()));
        return texts;
    }

    static List<String> tokenizerOnlyTexts() {
        List<String> texts = new ArrayList<>();
        read("prompts.json").path("tokenizer_only").forEach(p -> texts.add(p.asString()));
        return texts;
    }

    private static JsonNode read(String name) {
        return JsonMapper.builder().build().readTree(Fixtures.clipTiny().resolve(name));
    }
}
