package dev.facesweep.tokenizer;

import java.util.Arrays;

/**
 * Token ids with start and end tokens and no padding.
 *
 * @param ids the ids, at most the context length
 * @param truncated whether the text was longer than the context and had to be cut
 */
public record Tokens(int[] ids, boolean truncated) {

    public Tokens {
        ids = ids.clone();
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    /** The ids padded with 0 to {@code contextLength}, as open_clip feeds the text model. */
    public long[] paddedLong(int contextLength) {
        long[] out = new long[contextLength];
        for (int i = 0; i < Math.min(ids.length, contextLength); i++) {
            out[i] = ids[i];
        }
        return out;
    }

    /** The ids padded with 0 to {@code contextLength}, for int32 text models. */
    public int[] paddedInt(int contextLength) {
        return Arrays.copyOf(ids, contextLength);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tokens t && t.truncated == truncated && Arrays.equals(t.ids, ids);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + Boolean.hashCode(truncated);
    }

    @Override
    public String toString() {
        return "Tokens" + Arrays.toString(ids) + (truncated ? " (truncated)" : "");
    }
}
