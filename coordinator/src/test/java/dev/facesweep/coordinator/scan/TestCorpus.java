package dev.facesweep.coordinator.scan;

import dev.facesweep.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A small corpus made from the clip-tiny fixture images: three face sets, a duplicate image, bad files (zero-byte,
 * truncated PNG, text named .png, a non-image file) and a quarantined {@code _masked/} face set that must be
 * skipped.
 */
final class TestCorpus {

    /** Readable images (paths relative to the root) with the fixture image each is a copy of. */
    static final List<String[]> GOOD = List.of(
            new String[] {"faceset_a/faces/face_00.png", "face_00.png"},
            new String[] {"faceset_a/faces/face_01_sg.png", "face_01_sg.png"},
            new String[] {"faceset_a/faces/face_02_mask.png", "face_02_mask.png"},
            new String[] {"faceset_a/faces/face_03_sg_mask.png", "face_03_sg_mask.png"},
            new String[] {"faceset_b/faces/face_04.png", "face_04.png"},
            new String[] {"faceset_b/faces/face_05_sg.png", "face_05_sg.png"},
            new String[] {"faceset_b/faces/face_06_mask.png", "face_06_mask.png"},
            new String[] {"faceset_b/faces/face_07_sg_mask.png", "face_07_sg_mask.png"},
            new String[] {"faceset_b/faces/same as face_00.png", "face_00.png"},
            new String[] {"faceset_c/faces/edge_gray.png", "edge_gray.png"},
            new String[] {"faceset_c/faces/edge_palette.png", "edge_palette.png"});

    static final String EMPTY = "faceset_c/faces/empty.png";
    static final String TRUNCATED = "faceset_c/faces/truncated.png";
    static final String NOT_AN_IMAGE = "faceset_c/faces/notes.png";
    static final List<String> BAD = List.of(EMPTY, TRUNCATED, NOT_AN_IMAGE);

    private TestCorpus() {
    }

    static Path create(Path root) throws IOException {
        Path images = Fixtures.clipTinyImages();
        for (String[] image : GOOD) {
            copy(images.resolve(image[1]), root.resolve(image[0]));
        }
        copy(images.resolve("face_00.png"), root.resolve("_masked/faceset_m/faces/face_00.png"));
        write(root.resolve(EMPTY), new byte[0]);
        byte[] face = Files.readAllBytes(images.resolve("face_04.png"));
        write(root.resolve(TRUNCATED), Arrays.copyOf(face, face.length / 3));
        write(root.resolve(NOT_AN_IMAGE), "not an image at all\n".getBytes(StandardCharsets.UTF_8));
        write(root.resolve("faceset_c/faces/readme.txt"), "hand-sorted\n".getBytes(StandardCharsets.UTF_8));
        return root;
    }

    static int images() {
        return GOOD.size() + BAD.size();
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }
}
