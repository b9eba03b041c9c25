package dev.facesweep.coordinator.plan;

import dev.facesweep.corpus.ContentHash;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which files an apply of a plan touches, and their size and sha256 now. The rules (apply follows the same
 * ones, reading them back from the plan's inputs):
 * <ul>
 *   <li>prune: each dropped image; every {@code *.fsz} directly inside the face-set folder; the face set's
 *       {@code manifest.json};</li>
 *   <li>quarantine: every regular file under the face-set folder (it moves whole);</li>
 *   <li>the master {@code manifest.json} at the root when any face set is pruned or quarantined.</li>
 * </ul>
 * Symlinks are not followed and not recorded.
 */
public final class PlanInputs {

    /** The per-face-set and master manifest's file name. */
    public static final String MANIFEST = "manifest.json";

    private final Map<String, InputFile> inputs = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();
    private final ContentHash hash = new ContentHash();
    private final Path root;

    private PlanInputs(Path root) {
        this.root = root;
    }

    /** Hashes every input of the given decisions under {@code root}. */
    public static PlanInputs collect(Path root, List<FacesetPlan> facesets) {
        PlanInputs in = new PlanInputs(root);
        boolean changes = false;
        for (FacesetPlan f : facesets) {
            if (f.action() == Action.PRUNE) {
                changes = true;
                f.drop().forEach(rel -> in.required(rel));
                for (String rel : fszFiles(root, f.name())) {
                    in.optional(rel);
                }
                in.optional(f.name() + "/" + MANIFEST);
            } else if (f.action().quarantines()) {
                changes = true;
                in.tree(f.name());
            }
        }
        if (changes) {
            in.optional(MANIFEST);
        }
        return in;
    }

    /** Relative paths of the {@code .fsz} archives directly inside a face-set folder, by name. */
    public static List<String> fszFiles(Path root, String faceset) {
        List<String> out = new ArrayList<>();
        Path dir = root.resolve(faceset);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (isFsz(name) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(faceset + "/" + name);
                }
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }

    /** Whether a file name is a roop face-set archive. */
    public static boolean isFsz(String name) {
        return !name.startsWith(".") && name.toLowerCase(Locale.ROOT).endsWith(".fsz");
    }

    public Map<String, InputFile> inputs() {
        return inputs;
    }

    /** One line per input that could not be recorded (e.g. an image to drop is gone). */
    public List<String> problems() {
        return problems;
    }

    private void required(String rel) {
        Path file = root.resolve(rel);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            problems.add(rel + ": image to drop is not a regular file on disk any more (was it moved or renamed"
                    + " since the scan? scan again)");
            return;
        }
        record(rel, file);
    }

    private void optional(String rel) {
        Path file = root.resolve(rel);
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            record(rel, file);
        }
    }

    private void tree(String faceset) {
        Path dir = root.resolve(faceset);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            problems.add(faceset + ": face-set folder to quarantine is missing (scan again)");
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        record(relative(file), file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    problems.add(relative(file) + ": cannot read (" + e.getMessage() + ")");
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            problems.add(faceset + ": cannot list the face set (" + e.getMessage() + ")");
        }
    }

    private void record(String rel, Path file) {
        try {
            long size = Files.size(file);
            inputs.put(rel, new InputFile(size, hash.sha256(file)));
        } catch (NoSuchFileException e) {
            problems.add(rel + ": disappeared while hashing");
        } catch (IOException e) {
            problems.add(rel + ": cannot read (" + e.getMessage() + ")");
        }
    }

    private String relative(Path file) {
        StringBuilder sb = new StringBuilder();
        for (Path part : root.relativize(file)) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }
}
