package dev.facesweep.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE over token ids: a word's UTF-8 bytes become their byte symbols (the last one in its end-of-word
 * form), then the adjacent pair with the lowest merge rank is merged, every occurrence left to right, until no
 * ranked pair is left. Immutable apart from a bounded, thread-safe per-word cache.
 */
final class BytePairModel {

    static final int DEFAULT_CACHE_SIZE = 20_000;

    private static final int NO_RANK = Integer.MAX_VALUE;

    private final int[] byteIds;
    private final int[] byteEndIds;
    private final PairRanks ranks;
    private final int[] mergedIds;
    private final Map<String, Integer> specialTokens;
    private final int cacheSize;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param byteIds id of each byte's symbol inside a word, indexed by the unsigned byte
     * @param byteEndIds id of each byte's symbol ending a word ({@code </w>} form)
     * @param ranks merge rank of each (left id, right id) pair
     * @param mergedIds id of the merged symbol, indexed by merge rank
     * @param specialTokens pre-tokens that map to one id without BPE (start and end of text)
     * @param cacheSize words kept in the cache before it is emptied
     */
    BytePairModel(int[] byteIds, int[] byteEndIds, PairRanks ranks, int[] mergedIds,
                  Map<String, Integer> specialTokens, int cacheSize) {
        if (byteIds.length != 256 || byteEndIds.length != 256) {
            throw new IllegalArgumentException("need 256 byte symbols and 256 end-of-word byte symbols");
        }
        this.byteIds = byteIds.clone();
        this.byteEndIds = byteEndIds.clone();
        this.ranks = ranks;
        this.mergedIds = mergedIds.clone();
        this.specialTokens = Map.copyOf(specialTokens);
        this.cacheSize = cacheSize;
    }

    /** The ids of one pre-token. The returned array is shared: callers must not modify it. */
    int[] encodeWord(String word) {
        int[] ids = cache.get(word);
        if (ids != null) {
            return ids;
        }
        Integer special = specialTokens.get(word);
        ids = special != null ? new int[] {special} : merge(word);
        if (cache.size() >= cacheSize) {
            // Simple bound: prompts repeat a small vocabulary, so an occasional full reset costs little.
            cache.clear();
        }
        cache.put(word, ids);
        return ids;
    }

    int cachedWords() {
        return cache.size();
    }

    private int[] merge(String word) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        int n = bytes.length;
        if (n == 0) {
            return new int[0];
        }
        int[] symbols = new int[n];
        for (int i = 0; i < n - 1; i++) {
            symbols[i] = byteIds[bytes[i] & 0xFF];
        }
        symbols[n - 1] = byteEndIds[bytes[n - 1] & 0xFF];
        while (n > 1) {
            int bestRank = NO_RANK;
            for (int i = 0; i < n - 1; i++) {
                int rank = ranks.get(symbols[i], symbols[i + 1], NO_RANK);
                if (rank < bestRank) {
                    bestRank = rank;
                }
            }
            if (bestRank == NO_RANK) {
                break;
            }
            // Re-read the pair: several pairs may share no rank, but one rank names exactly one pair.
            int first = -1;
            int second = -1;
            for (int i = 0; i < n - 1; i++) {
                if (ranks.get(symbols[i], symbols[i + 1], NO_RANK) == bestRank) {
                    first = symbols[i];
                    second = symbols[i + 1];
                    break;
                }
            }
            int merged = mergedIds[bestRank];
            int out = 0;
            for (int i = 0; i < n; ) {
                if (i < n - 1 && symbols[i] == first && symbols[i + 1] == second) {
                    symbols[out++] = merged;
                    i += 2;
                } else {
                    symbols[out++] = symbols[i++];
                }
            }
            n = out;
        }
        return Arrays.copyOf(symbols, n);
    }
}
