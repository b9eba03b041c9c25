package dev.facesweep.coordinator.apply;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The exact content of a small folder tree held in memory, to put a killed state back after trying one path. */
record DirImage(Path base, Map<String, byte[]> files) {

    private static final byte[] DIR = new byte[0];

    static DirImage capture(Path base) {
        Map<String, byte[]> files = new TreeMap<>();
        try {
            Files.walkFileTree(base, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    files.put(base.relativize(dir) + "/", DIR);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    files.put(base.relativize(file).toString(), Files.readAllBytes(file));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new DirImage(base, files);
    }

    void restore() {
        try {
            if (Files.exists(base)) {
                try (Stream<Path> walk = Files.walk(base)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Path p = base.resolve(e.getKey());
                if (e.getKey().endsWith("/")) {
                    Files.createDirectories(p);
                } else {
                    Files.createDirectories(p.getParent());
                    Files.write(p, e.getValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
