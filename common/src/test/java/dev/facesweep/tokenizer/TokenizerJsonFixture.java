package dev.facesweep.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a Hugging Face CLIP {@code tokenizer.json} built from open_clip's vocabulary file, the way Hugging Face's
 * {@code vocab.json} / {@code merges.txt} for CLIP are laid out: byte symbols, their {@code </w>} forms, one token per
 * merge, then {@code <|startoftext|>} and {@code <|endoftext|>}.
 */
final class TokenizerJsonFixture {

    private static final int MERGES = 49152 - 256 - 2;

    private TokenizerJsonFixture() {
    }

    /**
     * @param pairMerges write merges as {@code ["a", "b"]} (newer files) instead of {@code "a b"}
     * @param addedTokens list the two special tokens under {@code added_tokens} as well as in the vocabulary
     */
    static Path write(Path file, boolean pairMerges, boolean addedTokens) {
        List<String[]> merges = readMerges(ReferencePrompts.vocabGz());
        Map<String, Integer> vocab = new LinkedHashMap<>();
        List<String> byteSymbols = gpt2ByteSymbols();
        for (String symbol : byteSymbols) {
            vocab.put(symbol, vocab.size());
        }
        for (String symbol : byteSymbols) {
            vocab.put(symbol + "</w>", vocab.size());
        }
        for (String[] merge : merges) {
            vocab.put(merge[0] + merge[1], vocab.size());
        }
        vocab.put("<|startoftext|>", vocab.size());
        vocab.put("<|endoftext|>", vocab.size());

        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", "<|endoftext|>");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "</w>");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("vocab", vocab);
        List<Object> mergeList = new ArrayList<>();
        for (String[] merge : merges) {
            mergeList.add(pairMerges ? List.of(merge[0], merge[1]) : merge[0] + " " + merge[1]);
        }
        model.put("merges", mergeList);

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("truncation", null);
        root.put("padding", null);
        if (addedTokens) {
            root.put("added_tokens", List.of(
                    Map.of("id", 49406, "content", "<|startoftext|>", "special", true, "normalized", true),
                    Map.of("id", 49407, "content", "<|endoftext|>", "special", true, "normalized", false)));
        }
        root.put("normalizer", Map.of("type", "Sequence", "normalizers", List.of(
                Map.of("type", "NFC"),
                Map.of("type", "Replace", "pattern", Map.of("Regex", "\\s+"), "content", " "),
                Map.of("type", "Lowercase"))));
        root.put("pre_tokenizer", Map.of("type", "Sequence", "pretokenizers", List.of(
                Map.of("type", "Split", "behavior", "Removed", "invert", true, "pattern", Map.of("Regex",
                        "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+")),
                Map.of("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", true, "use_regex", false))));
        root.put("model", model);
        JsonMapper.builder().build().writeValue(file.toFile(), root);
        return file;
    }

    /** GPT-2's bytes_to_unicode, in its order: printable Latin-1 bytes, then the rest mapped from U+0100 on. */
    static List<String> gpt2ByteSymbols() {
        List<String> symbols = new ArrayList<>();
        List<Integer> rest = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            if (printable) {
                symbols.add(String.valueOf((char) b));
            } else {
                rest.add(b);
            }
        }
        for (int i = 0; i < rest.size(); i++) {
            symbols.add(String.valueOf((char) (0x100 + i)));
        }
        return symbols;
    }

    private static List<String[]> readMerges(Path gz) {
        List<String[]> merges = new ArrayList<>(MERGES);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
            reader.readLine();
            for (int i = 0; i < MERGES; i++) {
                merges.add(reader.readLine().split(" "));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return merges;
    }
}
