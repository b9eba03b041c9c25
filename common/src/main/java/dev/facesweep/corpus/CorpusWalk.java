package dev.facesweep.corpus;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Walks a corpus root lazily, one face set at a time, and yields its images in a deterministic order.
 *
 * <p>Layout rules:
 * <ul>
 *   <li>A face set is a direct sub-folder of the root. Folders whose name starts with {@code _} or {@code .} are
 *       never entered, at any depth ({@code _masked/}, {@code .facesweep/}, {@code faces/_dropped/}).</li>
 *   <li>A face set's images are the {@code .png}, {@code .jpg}, {@code .jpeg} and {@code .webp} files (any case)
 *       directly inside its {@code faces/} folder. Without a {@code faces/} folder, images lying directly in the
 *       face set folder are taken instead, and a note says so.</li>
 *   <li>Hidden files (name starting with {@code .}, e.g. macOS {@code ._x.png}) are not images and are skipped
 *       without a report.</li>
 *   <li>A symlink (file or folder) whose real target is outside the root, or inside a skipped folder, is reported
 *       and never followed; symlinks that stay inside the root are followed.</li>
 *   <li>A name the platform cannot represent as text (e.g. not valid UTF-8) is reported and skipped: it could not
 *       be named in the store or in a queue message.</li>
 * </ul>
 *
 * <p>Face sets are visited in name order and images in file-name order within a face set. Only the current face
 * set's listing is held in memory, so a corpus of a million images streams. {@link #problems()} and
 * {@link #notes()} fill up as the walk advances and are complete once it is exhausted.
 *
 * <p>Not thread-safe; use one walk from one thread.
 */
public final class CorpusWalk implements Iterator<CorpusImage> {

    static final String FACES = "faces";
    private static final Path REJECTED = Path.of("");
    private static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".webp");

    private final Path root;
    private final Path realRoot;
    private final Iterator<Path> facesets;
    private final List<CorpusProblem> problems = new ArrayList<>();
    private final List<CorpusProblem> notes = new ArrayList<>();
    private Iterator<CorpusImage> current = Collections.emptyIterator();
    private int facesetCount;

    private CorpusWalk(Path root, Path realRoot) throws CorpusException {
        this.root = root;
        this.realRoot = realRoot;
        this.facesets = listFacesets().iterator();
    }

    /**
     * Opens a walk over {@code root}. Only the names of the root's entries are read here; face sets are listed as
     * the walk reaches them.
     *
     * @throws CorpusException when the root does not exist, is not a folder or cannot be listed
     */
    public static CorpusWalk open(Path root) throws CorpusException {
        Path absolute = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new CorpusException("corpus root " + absolute + " is not a folder: pass the folder that holds the"
                    + " face sets");
        }
        try {
            return new CorpusWalk(absolute, absolute.toRealPath());
        } catch (IOException e) {
            throw new CorpusException("cannot read corpus root " + absolute + ": " + e.getMessage());
        }
    }

    /** The root as walked (absolute, normalised). */
    public Path root() {
        return root;
    }

    /** The rest of the walk as a sequential, ordered stream. */
    public Stream<CorpusImage> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this,
                Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.IMMUTABLE), false);
    }

    /** Items skipped so far, each with the reason (symlinks leaving the root, unreadable folders, bad names). */
    public List<CorpusProblem> problems() {
        return List.copyOf(problems);
    }

    /** Layout choices made so far that are not errors (e.g. a face set without {@code faces/}). */
    public List<CorpusProblem> notes() {
        return List.copyOf(notes);
    }

    /**
     * The problems found after the first {@code seen}: what a consumer polling during the walk has not had yet,
     * without copying the ones it has (a walk of a large corpus with many skipped items is polled per image).
     */
    public List<CorpusProblem> problemsAfter(int seen) {
        return tail(problems, seen);
    }

    /** The notes found after the first {@code seen}; see {@link #problemsAfter}. */
    public List<CorpusProblem> notesAfter(int seen) {
        return tail(notes, seen);
    }

    private static List<CorpusProblem> tail(List<CorpusProblem> items, int seen) {
        if (seen < 0 || seen > items.size()) {
            throw new IllegalArgumentException("seen must be between 0 and " + items.size() + ", got " + seen);
        }
        return seen == items.size() ? List.of() : List.copyOf(items.subList(seen, items.size()));
    }

    /** Face sets entered so far (including ones that turned out to hold no image). */
    public int facesetCount() {
        return facesetCount;
    }

    @Override
    public boolean hasNext() {
        while (!current.hasNext()) {
            if (!facesets.hasNext()) {
                return false;
            }
            current = listFaceset(facesets.next());
        }
        return true;
    }

    @Override
    public CorpusImage next() {
        if (!hasNext()) {
            throw new NoSuchElementException("corpus walk is exhausted");
        }
        return current.next();
    }

    private List<Path> listFacesets() throws CorpusException {
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = nameOf(entry, "");
                if (name == null || isSkippedName(name)) {
                    continue;
                }
                if (Files.isSymbolicLink(entry) && leavesRoot(entry, name)) {
                    continue;
                }
                if (Files.isDirectory(entry)) {
                    dirs.add(entry);
                } else if (isImageName(name)) {
                    problem(name, "image at the corpus root is not inside a face set folder, skipped");
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            throw new CorpusException("cannot list corpus root " + root + ": " + messageOf(e));
        }
        dirs.sort(byName());
        return dirs;
    }

    private Iterator<CorpusImage> listFaceset(Path dir) {
        facesetCount++;
        String faceset = dir.getFileName().toString();
        List<Path> children = listDir(dir, faceset);
        if (children == null) {
            return Collections.emptyIterator();
        }
        Path facesDir = findFacesDir(children, faceset);
        if (facesDir == REJECTED) {
            return Collections.emptyIterator();
        }
        if (facesDir != null) {
            String facesRel = faceset + "/" + facesDir.getFileName();
            long beside = children.stream().filter(this::isPlainImageFile).count();
            if (beside > 0) {
                note(faceset, beside + " image(s) lie beside " + facesDir.getFileName()
                        + "/ and are not scanned; move them into " + facesDir.getFileName() + "/ to include them");
            }
            List<Path> files = listDir(facesDir, facesRel);
            if (files == null) {
                return Collections.emptyIterator();
            }
            return collectImages(faceset, facesRel, files, true);
        }
        List<Path> direct = children.stream().filter(this::isPlainImageFile).toList();
        if (direct.isEmpty()) {
            problem(faceset, "face set has no faces/ folder and no images, skipped");
            return Collections.emptyIterator();
        }
        Iterator<CorpusImage> images = collectImages(faceset, faceset, children, false);
        note(faceset, "no faces/ folder; took the images directly inside the face set folder");
        return images;
    }

    /**
     * The {@code faces} sub-folder (exact name first, then any case), null when there is none, or
     * {@link #REJECTED} when it is a symlink that must not be followed (already reported).
     */
    private Path findFacesDir(List<Path> children, String faceset) {
        Path caseInsensitive = null;
        boolean rejected = false;
        for (Path child : children) {
            String name = child.getFileName().toString();
            if (!name.equalsIgnoreCase(FACES)) {
                continue;
            }
            String rel = faceset + "/" + name;
            if (Files.isSymbolicLink(child) && leavesRoot(child, rel)) {
                rejected = true;
                continue;
            }
            if (!Files.isDirectory(child)) {
                continue;
            }
            if (name.equals(FACES)) {
                return child;
            }
            if (caseInsensitive == null) {
                caseInsensitive = child;
            }
        }
        if (caseInsensitive != null) {
            note(faceset, "using " + caseInsensitive.getFileName() + "/ as the faces folder");
            return caseInsensitive;
        }
        return rejected ? REJECTED : null;
    }

    /**
     * Keeps the image files of one folder, sorted by name.
     *
     * @param reportOthers whether non-image files and sub-folders are worth a problem or note (true in faces/)
     */
    private Iterator<CorpusImage> collectImages(String faceset, String dirRel, List<Path> files,
            boolean reportOthers) {
        List<CorpusImage> images = new ArrayList<>();
        int subfolders = 0;
        for (Path file : files) {
            String name = file.getFileName().toString();
            String rel = dirRel + "/" + name;
            if (Files.isSymbolicLink(file) && leavesRoot(file, rel)) {
                continue;
            }
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(file, BasicFileAttributes.class);
            } catch (IOException e) {
                problem(rel, "cannot read file attributes (" + messageOf(e) + "), skipped");
                continue;
            }
            if (attrs.isDirectory()) {
                if (!isSkippedName(name)) {
                    subfolders++;
                }
                continue;
            }
            if (!isImageName(name)) {
                if (reportOthers) {
                    problem(rel, "not a .png/.jpg/.jpeg/.webp image, skipped");
                }
                continue;
            }
            if (!attrs.isRegularFile()) {
                problem(rel, "not a regular file, skipped");
                continue;
            }
            images.add(new CorpusImage(faceset, rel, file, attrs.size(), attrs.lastModifiedTime().toMillis()));
        }
        if (reportOthers && subfolders > 0) {
            note(dirRel, subfolders + " sub-folder(s) not scanned (only images directly inside are)");
        }
        images.sort(Comparator.comparing(CorpusImage::relativePath));
        return images.iterator();
    }

    /**
     * Lists a folder's entries, minus hidden ones and names that cannot be represented; null when it cannot be
     * listed (reported).
     */
    private List<Path> listDir(Path dir, String dirRel) {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = nameOf(entry, dirRel);
                if (name != null && !name.startsWith(".")) {
                    children.add(entry);
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            problem(dirRel, "cannot list folder (" + messageOf(e) + "), skipped");
            return null;
        }
        return children;
    }

    private boolean isPlainImageFile(Path p) {
        String name = p.getFileName().toString();
        return isImageName(name) && !Files.isSymbolicLink(p) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Checks a symlink's real target; reports and returns true when it must not be followed (outside the root,
     * inside a skipped folder, or dangling).
     */
    private boolean leavesRoot(Path link, String rel) {
        Path real;
        try {
            real = link.toRealPath();
        } catch (NoSuchFileException e) {
            problem(rel, "symlink target does not exist, skipped");
            return true;
        } catch (IOException e) {
            problem(rel, "cannot resolve symlink (" + messageOf(e) + "), skipped");
            return true;
        }
        if (!real.startsWith(realRoot)) {
            problem(rel, "symlink leaves the corpus root, skipped");
            return true;
        }
        for (Path segment : realRoot.relativize(real)) {
            if (isSkippedName(segment.toString())) {
                problem(rel, "symlink points into the skipped folder " + segment + "/, skipped");
                return true;
            }
        }
        return false;
    }

    /**
     * The entry's name as text, or null (reported) when the platform cannot round-trip it, e.g. a name that is
     * not valid UTF-8: such a file could not be named in the store, a plan or a queue message.
     */
    private String nameOf(Path entry, String dirRel) {
        Path fileName = entry.getFileName();
        String name = fileName.toString();
        boolean representable;
        try {
            representable = name.indexOf('\uFFFD') < 0 && fileName.getFileSystem().getPath(name).equals(fileName);
        } catch (InvalidPathException e) {
            representable = false;
        }
        if (!representable) {
            String shown = name.replace('\uFFFD', '?');
            problem(dirRel.isEmpty() ? shown : dirRel + "/" + shown, "name is not valid text in the file system"
                    + " encoding (UTF-8 expected; '?' marks the bad bytes); rename it to scan it, skipped");
            return null;
        }
        return name;
    }

    static boolean isSkippedName(String name) {
        return name.startsWith("_") || name.startsWith(".");
    }

    static boolean isImageName(String name) {
        if (name.startsWith(".")) {
            return false;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return IMAGE_EXTENSIONS.stream().anyMatch(lower::endsWith);
    }

    private static Comparator<Path> byName() {
        return Comparator.comparing(p -> p.getFileName().toString());
    }

    private void problem(String rel, String message) {
        problems.add(new CorpusProblem(rel, message));
    }

    private void note(String rel, String message) {
        notes.add(new CorpusProblem(rel, message));
    }

    private static String messageOf(Exception e) {
        Throwable cause = e instanceof DirectoryIteratorException d ? d.getCause() : e;
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
