package dev.facesweep.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.json.JsonFactory;

/**
 * CLIP's tokenizer read from a Hugging Face {@code tokenizer.json} ({@code CLIPTokenizerFast}): a byte-level BPE
 * model with {@code </w>} as end-of-word suffix, and {@code <|startoftext|>} / {@code <|endoftext|>} as added
 * tokens.
 *
 * <p>Pre-processing is that of Hugging Face's CLIP: NFC, whitespace runs to one space, lower-case, then the same
 * word pattern as open_clip. There is no ftfy and no HTML unescaping, so prompts with HTML references or curly
 * quotes can give other ids than {@link BpeTokenizer}; plain prompts give the same ids. Thread-safe.
 */
public final class HfTokenizerJson implements ClipTokenizer {

    /** Hugging Face's file name. */
    public static final String FILE = "tokenizer.json";

    static final String START_TOKEN = "<|startoftext|>";
    static final String END_TOKEN = "<|endoftext|>";

    /**
     * Streaming only (no data binding, which is slow to start), and without canonicalising property names: the
     * vocabulary has some 49,000 distinct ones, each read once.
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(TokenStreamFactory.Feature.CANONICALIZE_PROPERTY_NAMES)
            .build();

    private final BpePipeline pipeline;

    private HfTokenizerJson(BpePipeline pipeline) {
        this.pipeline = pipeline;
    }

    /**
     * Reads a Hugging Face {@code tokenizer.json}.
     *
     * @param file path of {@code tokenizer.json}
     * @param contextLength the text model's context length (77 for CLIP)
     * @throws TokenizerException if the file is missing, unreadable or not a CLIP BPE tokenizer (one-line message)
     */
    public static HfTokenizerJson load(Path file, int contextLength) {
        return load(file, contextLength, BytePairModel.DEFAULT_CACHE_SIZE);
    }

    static HfTokenizerJson load(Path file, int contextLength, int cacheSize) {
        Parsed parsed = parse(file);
        if (!parsed.sawModel) {
            throw malformed(file, "it has no \"model\" object");
        }
        if (parsed.type != null && !"BPE".equals(parsed.type)) {
            throw malformed(file, "its model type is " + parsed.type + ", not BPE");
        }
        if (parsed.continuingPrefix != null && !parsed.continuingPrefix.isEmpty()) {
            throw malformed(file, "it uses a continuing-subword prefix (\"" + parsed.continuingPrefix
                    + "\"), which CLIP does not");
        }
        if (parsed.vocab == null) {
            throw malformed(file, "its model has no \"vocab\" object");
        }
        if (parsed.merges == null) {
            throw malformed(file, "its model has no \"merges\" list");
        }
        String suffix = parsed.endOfWordSuffix == null ? "</w>" : parsed.endOfWordSuffix;
        Map<String, Integer> vocab = parsed.vocab;
        int start = specialId(file, parsed.addedTokens, vocab, START_TOKEN);
        int end = specialId(file, parsed.addedTokens, vocab, END_TOKEN);

        List<String[]> merges = parsed.merges;
        PairRanks ranks = new PairRanks(merges.size());
        int[] mergedIds = new int[merges.size()];
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] pair = merges.get(rank);
            Integer left = vocab.get(pair[0]);
            Integer right = vocab.get(pair[1]);
            Integer merged = vocab.get(pair[0] + pair[1]);
            if (left == null || right == null || merged == null) {
                throw malformed(file, "merge " + rank + " (" + pair[0] + " " + pair[1]
                        + ") uses or makes a token that is not in the vocabulary");
            }
            ranks.put(left, right, rank);
            mergedIds[rank] = merged;
        }

        int[] byteIds = new int[256];
        int[] byteEndIds = new int[256];
        for (int b = 0; b < 256; b++) {
            byteIds[b] = byteSymbolId(file, vocab, ByteLevel.symbol(b));
            byteEndIds[b] = byteSymbolId(file, vocab, ByteLevel.symbol(b) + suffix);
        }
        BytePairModel bpe = new BytePairModel(byteIds, byteEndIds, ranks, mergedIds,
                Map.of(START_TOKEN, start, END_TOKEN, end), cacheSize);
        return new HfTokenizerJson(new BpePipeline(TextCleaning::huggingFace,
                BpePipeline.wordPattern(START_TOKEN, END_TOKEN, false), bpe, start, end, contextLength));
    }

    @Override
    public int contextLength() {
        return pipeline.contextLength();
    }

    @Override
    public Tokens encode(String text) {
        return pipeline.encode(text);
    }

    /** What this class needs from a {@code tokenizer.json}, read as a stream (the file is megabytes). */
    private static final class Parsed {
        boolean sawModel;
        String type;
        String continuingPrefix;
        String endOfWordSuffix;
        Map<String, Integer> vocab;
        List<String[]> merges;
        Map<String, Integer> addedTokens = new HashMap<>();
    }

    private static Parsed parse(Path file) {
        Parsed parsed = new Parsed();
        try (InputStream in = Files.newInputStream(file);
             JsonParser p = JSON.createParser(ObjectReadContext.empty(), in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw malformed(file, "it is not a JSON object");
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("added_tokens".equals(name) && value == JsonToken.START_ARRAY) {
                    parseAddedTokens(p, parsed.addedTokens);
                } else if ("model".equals(name) && value == JsonToken.START_OBJECT) {
                    parsed.sawModel = true;
                    parseModel(file, p, parsed);
                } else {
                    p.skipChildren();
                }
            }
            return parsed;
        } catch (NoSuchFileException e) {
            throw new TokenizerException("tokenizer file " + file + " does not exist: put a Hugging Face " + FILE
                    + " or open_clip's " + BpeTokenizer.VOCAB_FILE + " in " + BpeTokenizer.folderOf(file));
        } catch (JacksonException e) {
            throw malformed(file, "it is not valid JSON (" + ClipTokenizers.oneLine(e.getOriginalMessage()) + ")");
        } catch (IOException e) {
            throw new TokenizerException("cannot read tokenizer file " + file + ": "
                    + ClipTokenizers.oneLine(e.toString()) + "; check the file's permissions", e);
        }
    }

    /** Content to id of each {@code {"id": .., "content": .., ...}} entry. */
    private static void parseAddedTokens(JsonParser p, Map<String, Integer> added) {
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            Integer id = null;
            String content = null;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("id".equals(name) && value == JsonToken.VALUE_NUMBER_INT) {
                    id = p.getIntValue();
                } else if ("content".equals(name) && value == JsonToken.VALUE_STRING) {
                    content = p.getString();
                } else {
                    p.skipChildren();
                }
            }
            if (id != null && content != null) {
                added.put(content, id);
            }
        }
    }

    private static void parseModel(Path file, JsonParser p, Parsed parsed) {
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "type" -> parsed.type = stringOrNull(p, value);
                case "continuing_subword_prefix" -> parsed.continuingPrefix = stringOrNull(p, value);
                case "end_of_word_suffix" -> parsed.endOfWordSuffix = stringOrNull(p, value);
                case "vocab" -> parsed.vocab = parseVocab(file, p, value);
                case "merges" -> parsed.merges = parseMerges(file, p, value);
                default -> p.skipChildren();
            }
        }
    }

    private static String stringOrNull(JsonParser p, JsonToken value) {
        if (value == JsonToken.VALUE_STRING) {
            return p.getString();
        }
        p.skipChildren();
        return null;
    }

    private static Map<String, Integer> parseVocab(Path file, JsonParser p, JsonToken value) {
        if (value != JsonToken.START_OBJECT) {
            throw malformed(file, "its model's \"vocab\" is not an object");
        }
        Map<String, Integer> vocab = new HashMap<>(1 << 17);
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String token = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_NUMBER_INT || p.getIntValue() < 0) {
                throw malformed(file, "vocabulary entry \"" + token + "\" has no non-negative integer id");
            }
            vocab.put(token, p.getIntValue());
        }
        return vocab;
    }

    /** Merges written as {@code "a b"} (older files) or {@code ["a", "b"]} (newer files). */
    private static List<String[]> parseMerges(Path file, JsonParser p, JsonToken value) {
        if (value != JsonToken.START_ARRAY) {
            throw malformed(file, "its model's \"merges\" is not a list");
        }
        List<String[]> merges = new ArrayList<>(1 << 16);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            String[] pair = null;
            if (t == JsonToken.VALUE_STRING) {
                String text = p.getString();
                int space = text.indexOf(' ');
                if (space > 0 && space < text.length() - 1 && text.indexOf(' ', space + 1) < 0) {
                    pair = new String[] {text.substring(0, space), text.substring(space + 1)};
                }
            } else if (t == JsonToken.START_ARRAY) {
                String left = p.nextToken() == JsonToken.VALUE_STRING ? p.getString() : null;
                String right = left != null && p.nextToken() == JsonToken.VALUE_STRING ? p.getString() : null;
                if (right != null && p.nextToken() == JsonToken.END_ARRAY) {
                    pair = new String[] {left, right};
                }
            }
            if (pair == null) {
                throw malformed(file, "merge " + merges.size() + " is neither \"a b\" nor [\"a\", \"b\"]");
            }
            merges.add(pair);
        }
        return merges;
    }

    /** The id of a special token: from {@code added_tokens}, else from the vocabulary. */
    private static int specialId(Path file, Map<String, Integer> addedTokens, Map<String, Integer> vocab,
                                 String token) {
        Integer id = addedTokens.containsKey(token) ? addedTokens.get(token) : vocab.get(token);
        if (id == null) {
            throw malformed(file, "it has no " + token + " token in added_tokens or the vocabulary");
        }
        return id;
    }

    private static int byteSymbolId(Path file, Map<String, Integer> vocab, String symbol) {
        Integer id = vocab.get(symbol);
        if (id == null) {
            throw malformed(file, "its vocabulary lacks the byte symbol \"" + symbol + "\", so it is not CLIP's");
        }
        return id;
    }

    private static TokenizerException malformed(Path file, String detail) {
        return new TokenizerException("tokenizer file " + file + " is malformed: " + ClipTokenizers.oneLine(detail)
                + "; replace it with Hugging Face's CLIP " + FILE + " or put open_clip's " + BpeTokenizer.VOCAB_FILE
                + " in " + BpeTokenizer.folderOf(file) + " instead");
    }
}
