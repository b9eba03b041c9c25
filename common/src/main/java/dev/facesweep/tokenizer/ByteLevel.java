package dev.facesweep.tokenizer;

/**
 * GPT-2's reversible byte-to-character table, used by CLIP's vocabulary: printable Latin-1 bytes stand for
 * themselves, the other 68 bytes get the characters U+0100 onwards in byte order.
 */
final class ByteLevel {

    /** Character standing for each byte, indexed by the unsigned byte. */
    private static final char[] CHAR_OF_BYTE = new char[256];

    /** The bytes in vocabulary order: the printable ones first, then the rest, both ascending. */
    private static final int[] VOCAB_ORDER = new int[256];

    static {
        int n = 0;
        boolean[] printable = new boolean[256];
        for (int b = 0; b < 256; b++) {
            printable[b] = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            if (printable[b]) {
                CHAR_OF_BYTE[b] = (char) b;
                VOCAB_ORDER[n++] = b;
            }
        }
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            if (!printable[b]) {
                CHAR_OF_BYTE[b] = (char) (256 + extra++);
                VOCAB_ORDER[n++] = b;
            }
        }
    }

    private ByteLevel() {
    }

    /** The one-character symbol for byte {@code b} (0..255). */
    static String symbol(int b) {
        return String.valueOf(CHAR_OF_BYTE[b]);
    }

    /** The byte whose symbol comes {@code index}-th (0..255) in CLIP's vocabulary. */
    static int byteAt(int index) {
        return VOCAB_ORDER[index];
    }
}
