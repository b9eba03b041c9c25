package dev.facesweep.coordinator.scan;

import dev.facesweep.corpus.ContentHash;
import dev.facesweep.corpus.CorpusImage;
import dev.facesweep.corpus.CorpusProblem;
import dev.facesweep.corpus.CorpusWalk;
import dev.facesweep.coordinator.store.StagedImage;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The corpus walk turned into images to stage: each image hashed (or its hash taken from an earlier scan when size
 * and modification time are unchanged), in walk order, with up to {@code lookahead} images hashed ahead on
 * {@code threads} background threads.
 *
 * <p>Unreadable files and zero-byte files become failed images with a one-line error; so do walk problems about
 * image files inside a face set (a symlink leaving the root, a file whose attributes cannot be read): an image is
 * never dropped silently. Other walk problems and notes (a non-image file in {@code faces/}, a face set without
 * {@code faces/}) are handed out as lines by {@link #takeNotes()}.
 *
 * <p>Used from one thread (the scan loop).
 */
public final class Staging implements AutoCloseable {

    private static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".webp");
    private static final ThreadLocal<ContentHash> HASH = ThreadLocal.withInitial(ContentHash::new);

    private final CorpusWalk walk;
    private final KnownHashes known;
    private final int lookahead;
    private final ExecutorService pool;
    private final Deque<CompletableFuture<StagedImage>> ahead = new ArrayDeque<>();
    private final Deque<StagedImage> problemImages = new ArrayDeque<>();
    private final List<String> notes = new ArrayList<>();
    private int problemsSeen;
    private int notesSeen;
    private long walked;

    Staging(CorpusWalk walk, KnownHashes known, int threads, int lookahead) {
        if (threads < 1 || lookahead < 1) {
            throw new IllegalArgumentException("staging needs at least one thread and one image of look-ahead");
        }
        this.walk = walk;
        this.known = known;
        this.lookahead = lookahead;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "facesweep-hash-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The next images in walk order, at most {@code max}; waits for their hashes. Empty once the walk is done. */
    List<StagedImage> next(int max) {
        List<StagedImage> out = new ArrayList<>(max);
        while (out.size() < max) {
            fill();
            if (!problemImages.isEmpty()) {
                out.add(problemImages.removeFirst());
                continue;
            }
            if (ahead.isEmpty()) {
                break;
            }
            out.add(ahead.removeFirst().join());
        }
        return out;
    }

    /** True when every image has been handed out. */
    boolean exhausted() {
        fill();
        return ahead.isEmpty() && problemImages.isEmpty() && !walk.hasNext();
    }

    /** Images found by the walk so far. */
    long walked() {
        return walked;
    }

    /** Walk problems and notes found since the last call, one line each. */
    List<String> takeNotes() {
        List<String> out = List.copyOf(notes);
        notes.clear();
        return out;
    }

    private void fill() {
        while (ahead.size() < lookahead && walk.hasNext()) {
            CorpusImage image = walk.next();
            walked++;
            ahead.addLast(CompletableFuture.supplyAsync(() -> stage(image), pool));
        }
        collectProblems();
    }

    private StagedImage stage(CorpusImage image) {
        if (image.size() == 0) {
            return StagedImage.unreadable(image.relativePath(), image.faceset(), 0,
                    "empty file (0 bytes): not an image");
        }
        Optional<String> sha = known.lookup(image.relativePath(), image.size(), image.modifiedMillis());
        if (sha.isPresent()) {
            return StagedImage.hashed(image.relativePath(), image.faceset(), sha.get(), image.size(),
                    image.modifiedMillis());
        }
        try {
            return StagedImage.hashed(image.relativePath(), image.faceset(), HASH.get().sha256(image.path()),
                    image.size(), image.modifiedMillis());
        } catch (NoSuchFileException e) {
            return StagedImage.unreadable(image.relativePath(), image.faceset(), image.size(),
                    "file disappeared while scanning");
        } catch (IOException | RuntimeException e) {
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return StagedImage.unreadable(image.relativePath(), image.faceset(), image.size(),
                    "cannot read: " + detail.replaceAll("\\s+", " ").strip());
        }
    }

    private void collectProblems() {
        List<CorpusProblem> problems = walk.problemsAfter(problemsSeen);
        for (CorpusProblem problem : problems) {
            String path = problem.relativePath();
            int slash = path.indexOf('/');
            if (slash > 0 && isImageName(path)) {
                problemImages.addLast(StagedImage.unreadable(path, path.substring(0, slash), 0,
                        problem.message()));
            } else {
                notes.add("skipped " + problem);
            }
        }
        problemsSeen += problems.size();
        List<CorpusProblem> walkNotes = walk.notesAfter(notesSeen);
        for (CorpusProblem note : walkNotes) {
            notes.add("note: " + note);
        }
        notesSeen += walkNotes.size();
    }

    static boolean isImageName(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        return IMAGE_EXTENSIONS.stream().anyMatch(lower::endsWith);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
