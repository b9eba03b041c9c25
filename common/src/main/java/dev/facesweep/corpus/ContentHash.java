package dev.facesweep.corpus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of file contents as lowercase hex, read in a streaming way through one reusable buffer.
 *
 * <p>An instance is not thread-safe: give each hashing thread its own.
 */
public final class ContentHash {

    private static final int BUFFER_SIZE = 64 * 1024;

    private final byte[] buffer = new byte[BUFFER_SIZE];
    private final MessageDigest digest = newDigest();

    /** Hashes the file's bytes; the file is read once, {@value #BUFFER_SIZE} bytes at a time. */
    public String sha256(Path file) throws IOException {
        digest.reset();
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Hashes bytes already in memory (e.g. an image sent inline in a message). */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    /** True for exactly 64 lowercase hex digits, the form every sha256 takes in facesweep. */
    public static boolean isSha256Hex(String s) {
        // a plain loop: this runs for every image of every message, where a regex cost more than the rest of the check
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char ch = s.charAt(i);
            if ((ch < '0' || ch > '9') && (ch < 'a' || ch > 'f')) {
                return false;
            }
        }
        return true;
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }
}
