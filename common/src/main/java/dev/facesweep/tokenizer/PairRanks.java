package dev.facesweep.tokenizer;

import java.util.Arrays;

/** Merge rank of a pair of token ids: an open-addressing table without boxing, filled once, then read-only. */
final class PairRanks {

    private static final long EMPTY = -1L;

    private final long[] keys;
    private final int[] values;
    private final int mask;
    private int size;

    PairRanks(int expectedPairs) {
        int capacity = Integer.highestOneBit(Math.max(4, expectedPairs) * 2 - 1) << 1;
        keys = new long[capacity];
        values = new int[capacity];
        mask = capacity - 1;
        Arrays.fill(keys, EMPTY);
    }

    /** Sets the rank of (left, right), replacing an earlier one as a later duplicate merge line does. */
    void put(int left, int right, int rank) {
        if (left < 0 || right < 0) {
            throw new IllegalArgumentException("token ids must not be negative");
        }
        if (size * 2 >= keys.length) {
            throw new IllegalStateException("PairRanks is full: sized for fewer pairs than were added");
        }
        long key = key(left, right);
        int slot = slot(key);
        while (keys[slot] != EMPTY && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        if (keys[slot] == EMPTY) {
            keys[slot] = key;
            size++;
        }
        values[slot] = rank;
    }

    int get(int left, int right, int absent) {
        long key = key(left, right);
        for (int slot = slot(key); ; slot = (slot + 1) & mask) {
            long k = keys[slot];
            if (k == key) {
                return values[slot];
            }
            if (k == EMPTY) {
                return absent;
            }
        }
    }

    int size() {
        return size;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }
}
