package dev.facesweep.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * open_clip's {@code SimpleTokenizer}, read from its {@code bpe_simple_vocab_16e6.txt.gz}.
 *
 * <p>Text is cleaned as open_clip does (a subset of ftfy, HTML-unescaped twice, whitespace collapsed,
 * lower-cased), split into words, and each word's UTF-8 bytes are merged with the first 48,894 BPE merges of the
 * file. Vocabulary: the 256 byte symbols, their 256 {@code </w>} forms, one token per merge, then
 * {@code <start_of_text>} (49406) and {@code <end_of_text>} (49407). Thread-safe.
 */
public final class BpeTokenizer implements ClipTokenizer {

    /** open_clip's file name for the vocabulary. */
    public static final String VOCAB_FILE = "bpe_simple_vocab_16e6.txt.gz";

    /** open_clip keeps the merge lines 1 .. 49152 - 256 - 2 after the header. */
    static final int MERGES = 49152 - 256 - 2;

    static final String START_TOKEN = "<start_of_text>";
    static final String END_TOKEN = "<end_of_text>";

    private static final String END_OF_WORD = "</w>";

    private final BpePipeline pipeline;

    private BpeTokenizer(BpePipeline pipeline) {
        this.pipeline = pipeline;
    }

    /**
     * Reads open_clip's vocabulary file.
     *
     * @param vocabGz path of {@code bpe_simple_vocab_16e6.txt.gz}
     * @param contextLength the text model's context length (77 for CLIP)
     * @throws TokenizerException if the file is missing, unreadable or malformed (one-line message)
     */
    public static BpeTokenizer load(Path vocabGz, int contextLength) {
        return load(vocabGz, contextLength, BytePairModel.DEFAULT_CACHE_SIZE);
    }

    static BpeTokenizer load(Path vocabGz, int contextLength, int cacheSize) {
        String[][] merges = readMerges(vocabGz);
        BytePairModel model = buildModel(vocabGz, merges, cacheSize);
        return new BpeTokenizer(new BpePipeline(TextCleaning::openClip,
                BpePipeline.wordPattern(START_TOKEN, END_TOKEN, true), model, START_OF_TEXT, END_OF_TEXT,
                contextLength));
    }

    @Override
    public int contextLength() {
        return pipeline.contextLength();
    }

    @Override
    public Tokens encode(String text) {
        return pipeline.encode(text);
    }

    BytePairModel model() {
        return pipeline.model();
    }

    /** The merge lines as (left, right) pairs; only the lines open_clip uses are decompressed. */
    private static String[][] readMerges(Path file) {
        String[][] merges = new String[MERGES][];
        try (InputStream raw = Files.newInputStream(file);
             GZIPInputStream gz = new GZIPInputStream(raw, 1 << 16);
             BufferedReader reader = new BufferedReader(
                     new InputStreamReader(gz, StandardCharsets.UTF_8.newDecoder()), 1 << 16)) {
            if (reader.readLine() == null) {
                throw malformed(file, "it is empty");
            }
            for (int i = 0; i < MERGES; i++) {
                String line = reader.readLine();
                if (line == null) {
                    throw malformed(file, "it has " + i + " merge lines, open_clip needs " + MERGES);
                }
                int space = line.indexOf(' ');
                if (space <= 0 || space == line.length() - 1 || line.indexOf(' ', space + 1) >= 0) {
                    throw malformed(file, "line " + (i + 2) + " is not two symbols separated by one space");
                }
                merges[i] = new String[] {line.substring(0, space), line.substring(space + 1)};
            }
        } catch (NoSuchFileException e) {
            throw new TokenizerException("tokenizer vocabulary " + file + " does not exist: put open_clip's "
                    + VOCAB_FILE + " or a Hugging Face " + HfTokenizerJson.FILE + " in " + folderOf(file));
        } catch (ZipException | java.io.EOFException e) {
            throw malformed(file, "it is not a complete gzip file (" + ClipTokenizers.oneLine(e.getMessage()) + ")");
        } catch (CharacterCodingException e) {
            throw malformed(file, "it is not UTF-8 text");
        } catch (IOException e) {
            throw new TokenizerException("cannot read tokenizer vocabulary " + file + ": "
                    + ClipTokenizers.oneLine(e.toString()) + "; check the file's permissions", e);
        }
        return merges;
    }

    private static BytePairModel buildModel(Path file, String[][] merges, int cacheSize) {
        // As open_clip: the vocabulary is a list, and each token string maps to its last position in it.
        Map<String, Integer> ids = new HashMap<>(2 * (512 + MERGES + 2));
        for (int i = 0; i < 256; i++) {
            ids.put(ByteLevel.symbol(ByteLevel.byteAt(i)), i);
        }
        for (int i = 0; i < 256; i++) {
            ids.put(ByteLevel.symbol(ByteLevel.byteAt(i)) + END_OF_WORD, 256 + i);
        }
        String[] merged = new String[MERGES];
        for (int rank = 0; rank < MERGES; rank++) {
            merged[rank] = merges[rank][0] + merges[rank][1];
            ids.put(merged[rank], 512 + rank);
        }
        ids.put(START_TOKEN, 512 + MERGES);
        ids.put(END_TOKEN, 512 + MERGES + 1);

        PairRanks ranks = new PairRanks(MERGES);
        int[] mergedIds = new int[MERGES];
        for (int rank = 0; rank < MERGES; rank++) {
            Integer left = ids.get(merges[rank][0]);
            Integer right = ids.get(merges[rank][1]);
            if (left == null || right == null) {
                throw malformed(file, "line " + (rank + 2) + " merges a symbol that is not in the vocabulary");
            }
            ranks.put(left, right, rank);
            mergedIds[rank] = ids.get(merged[rank]);
        }
        int[] byteIds = new int[256];
        int[] byteEndIds = new int[256];
        for (int b = 0; b < 256; b++) {
            byteIds[b] = ids.get(ByteLevel.symbol(b));
            byteEndIds[b] = ids.get(ByteLevel.symbol(b) + END_OF_WORD);
        }
        Map<String, Integer> specials = Map.of(START_TOKEN, ids.get(START_TOKEN), END_TOKEN, ids.get(END_TOKEN));
        return new BytePairModel(byteIds, byteEndIds, ranks, mergedIds, specials, cacheSize);
    }

    private static TokenizerException malformed(Path file, String detail) {
        return new TokenizerException("tokenizer vocabulary " + file + " is malformed: " + detail
                + "; replace it with open_clip's " + VOCAB_FILE + " or put a Hugging Face " + HfTokenizerJson.FILE
                + " in " + folderOf(file) + " instead");
    }

    static Path folderOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? file.toAbsolutePath() : parent;
    }
}
