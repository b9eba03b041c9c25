package dev.facesweep.coordinator.apply;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Every folder and file under a root with its sha256, and for each {@code .fsz} every member (in archive order)
 * with the sha256 of its uncompressed content. Written independently of the code under test.
 */
record TreeSnapshot(Map<String, String> entries) {

    static TreeSnapshot of(Path root) {
        return of(root, (rel, bytes) -> bytes);
    }

    /** With {@code normalise} applied to each file's bytes before hashing (e.g. to mask an apply id). */
    static TreeSnapshot of(Path root, BiFunction<String, byte[], byte[]> normalise) {
        Map<String, String> entries = new TreeMap<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(root)) {
                        entries.put(rel(root, dir) + "/", "dir");
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String rel = rel(root, file);
                    entries.put(rel, sha(normalise.apply(rel, Files.readAllBytes(file))));
                    if (rel.toLowerCase().endsWith(".fsz")) {
                        members(file).forEach((k, v) -> entries.put(rel + "!" + k, v));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TreeSnapshot(entries);
    }

    /** Member index, name and content hash of every member, in archive order (keys sort by index). */
    static Map<String, String> members(Path fsz) {
        Map<String, String> members = new TreeMap<>();
        try (ZipFile zip = new ZipFile(fsz.toFile())) {
            Enumeration<? extends ZipEntry> e = zip.entries();
            int i = 0;
            while (e.hasMoreElements()) {
                ZipEntry entry = e.nextElement();
                try (InputStream in = zip.getInputStream(entry)) {
                    members.put(String.format("%04d:%s", i++, entry.getName()), sha(in.readAllBytes()));
                }
            }
        } catch (IOException ex) {
            members.put("unreadable", ex.toString());
        }
        return members;
    }

    static String sha(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String rel(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }
}
