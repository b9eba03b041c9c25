package dev.facesweep.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusWalkTest {

    @TempDir
    Path base;

    Path root;

    Path outside;

    @BeforeEach
    void layout() throws IOException {
        root = Files.createDirectory(base.resolve("corpus"));
        outside = Files.createDirectory(base.resolve("outside"));
    }

    @Test
    void problemsAndNotesPolledDuringTheWalkArriveOnceEachInOrder() throws Exception {
        for (int set = 1; set <= 4; set++) {
            file("set_" + set + "/faces/a.png", "a" + set);
            file("set_" + set + "/faces/b.png", "b" + set);
            file("set_" + set + "/faces/readme.txt", "not an image");
            file("set_" + set + "/faces/extra/x.png", "nested");
        }
        CorpusWalk walk = CorpusWalk.open(root);
        List<CorpusProblem> polledProblems = new ArrayList<>();
        List<CorpusProblem> polledNotes = new ArrayList<>();
        int polls = 0;
        while (walk.hasNext()) {
            walk.next();
            polls++;
            polledProblems.addAll(walk.problemsAfter(polledProblems.size()));
            polledNotes.addAll(walk.notesAfter(polledNotes.size()));
        }
        assertThat(polls).isEqualTo(8);
        assertThat(polledProblems).hasSize(4).containsExactlyElementsOf(walk.problems());
        assertThat(polledNotes).hasSize(4).containsExactlyElementsOf(walk.notes());
        assertThat(walk.problemsAfter(4)).isEmpty();
        assertThat(walk.problemsAfter(1)).containsExactlyElementsOf(walk.problems().subList(1, 4));
        assertThatThrownBy(() -> walk.problemsAfter(5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 0 and 4");
        assertThatThrownBy(() -> walk.notesAfter(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void takesImagesFromFacesFoldersAndSkipsUnderscoreAndDotFolders() throws Exception {
        file("manifest.json", "{}");
        file("faceset_002/faces/b.png", "b");
        file("faceset_002/faces/a.PNG", "a");
        file("faceset_002/faces/c.jpg", "c");
        file("faceset_002/faces/d.JPEG", "d");
        file("faceset_002/faces/e.webp", "e");
        file("faceset_002/faces/notes.txt", "not an image");
        file("faceset_002/faces/.hidden.png", "hidden");
        file("faceset_002/faces/_dropped/x.png", "dropped");
        file("faceset_002/faces/.trash/y.png", "trash");
        file("faceset_002/faces/extra/z.png", "nested");
        file("faceset_002/faceset_002.fsz", "zip");
        file("faceset_002/manifest.json", "{}");
        file("faceset_001/faces/1.png", "1");
        file("_masked/faceset_009/faces/m.png", "masked");
        file("_thin/faceset_010/faces/t.png", "thin");
        file(".facesweep/state/s.png", "state");
        file("stray.png", "stray");

        CorpusWalk walk = CorpusWalk.open(root);
        List<CorpusImage> images = walk.stream().toList();

        assertThat(images).extracting(CorpusImage::relativePath).containsExactly(
                "faceset_001/faces/1.png",
                "faceset_002/faces/a.PNG",
                "faceset_002/faces/b.png",
                "faceset_002/faces/c.jpg",
                "faceset_002/faces/d.JPEG",
                "faceset_002/faces/e.webp");
        assertThat(images).extracting(CorpusImage::faceset)
                .containsExactly("faceset_001", "faceset_002", "faceset_002", "faceset_002", "faceset_002",
                        "faceset_002");
        assertThat(images.get(0).path()).isEqualTo(root.resolve("faceset_001/faces/1.png"));
        assertThat(images.get(0).size()).isEqualTo(1);
        assertThat(walk.problems()).extracting(CorpusProblem::toString).containsExactlyInAnyOrder(
                "stray.png: image at the corpus root is not inside a face set folder, skipped",
                "faceset_002/faces/notes.txt: not a .png/.jpg/.jpeg/.webp image, skipped");
        assertThat(walk.notes()).extracting(CorpusProblem::relativePath).containsExactly("faceset_002/faces");
        assertThat(walk.notes().get(0).message()).contains("1 sub-folder(s) not scanned");
        assertThat(walk.facesetCount()).isEqualTo(2);
    }

    @Test
    void faceSetWithoutFacesFolderUsesImagesDirectlyInsideAndSaysSo() throws Exception {
        file("loose/b.jpg", "b");
        file("loose/a.png", "a");
        file("loose/loose.fsz", "zip");
        file("loose/_dropped/c.png", "c");
        file("empty/manifest.json", "{}");

        CorpusWalk walk = CorpusWalk.open(root);

        assertThat(walk.stream().map(CorpusImage::relativePath)).containsExactly("loose/a.png", "loose/b.jpg");
        assertThat(walk.notes()).extracting(CorpusProblem::toString)
                .containsExactly("loose: no faces/ folder; took the images directly inside the face set folder");
        assertThat(walk.problems()).extracting(CorpusProblem::toString)
                .containsExactly("empty: face set has no faces/ folder and no images, skipped");
    }

    @Test
    void imagesBesideFacesFolderAreReportedNotTaken() throws Exception {
        file("fs/faces/a.png", "a");
        file("fs/stray.png", "s");

        CorpusWalk walk = CorpusWalk.open(root);

        assertThat(walk.stream().map(CorpusImage::relativePath)).containsExactly("fs/faces/a.png");
        assertThat(walk.notes()).extracting(CorpusProblem::relativePath).containsExactly("fs");
        assertThat(walk.notes().get(0).message()).startsWith("1 image(s) lie beside faces/");
    }

    @Test
    void facesFolderInAnotherCaseIsAccepted() throws Exception {
        file("fs/Faces/a.png", "a");

        CorpusWalk walk = CorpusWalk.open(root);

        assertThat(walk.stream().map(CorpusImage::relativePath)).containsExactly("fs/Faces/a.png");
        assertThat(walk.notes()).extracting(CorpusProblem::toString)
                .containsExactly("fs: using Faces/ as the faces folder");
    }

    @Test
    void symlinksLeavingTheRootAreReportedAndNeverFollowed() throws Exception {
        Path secret = Files.writeString(outside.resolve("secret.png"), "secret");
        Files.createDirectories(outside.resolve("elsewhere/faces"));
        Files.writeString(outside.resolve("elsewhere/faces/o.png"), "o");
        file("fs/faces/a.png", "a");
        Files.createSymbolicLink(root.resolve("fs/faces/link.png"), secret);
        Files.createSymbolicLink(root.resolve("linked_set"), outside.resolve("elsewhere"));
        file("fs2/manifest.json", "{}");
        Files.createSymbolicLink(root.resolve("fs2/faces"), outside.resolve("elsewhere/faces"));

        CorpusWalk walk = CorpusWalk.open(root);

        assertThat(walk.stream().map(CorpusImage::relativePath)).containsExactly("fs/faces/a.png");
        assertThat(walk.problems()).extracting(CorpusProblem::toString).containsExactlyInAnyOrder(
                "fs/faces/link.png: symlink leaves the corpus root, skipped",
                "linked_set: symlink leaves the corpus root, skipped",
                "fs2/faces: symlink leaves the corpus root, skipped");
    }

    @Test
    void symlinksInsideTheRootAreFollowedUnlessTheyPointIntoSkippedFolders() throws Exception {
        file("fs/faces/a.png", "a");
        file("fs/faces/_dropped/gone.png", "gone");
        file("_masked/old/faces/m.png", "m");
        Files.createSymbolicLink(root.resolve("fs/faces/alias.png"), root.resolve("fs/faces/a.png"));
        Files.createSymbolicLink(root.resolve("fs/faces/back.png"), root.resolve("fs/faces/_dropped/gone.png"));
        Files.createSymbolicLink(root.resolve("linked"), root.resolve("fs"));
        Files.createSymbolicLink(root.resolve("unmasked"), root.resolve("_masked/old"));
        Files.createSymbolicLink(root.resolve("fs/faces/dangling.png"), root.resolve("nowhere.png"));

        CorpusWalk walk = CorpusWalk.open(root);
        List<CorpusImage> images = walk.stream().toList();

        assertThat(images).extracting(CorpusImage::relativePath).containsExactly(
                "fs/faces/a.png", "fs/faces/alias.png", "linked/faces/a.png", "linked/faces/alias.png");
        assertThat(images.get(1).size()).isEqualTo(1);
        assertThat(walk.problems()).extracting(CorpusProblem::toString).containsExactlyInAnyOrder(
                "fs/faces/back.png: symlink points into the skipped folder _dropped/, skipped",
                "linked/faces/back.png: symlink points into the skipped folder _dropped/, skipped",
                "unmasked: symlink points into the skipped folder _masked/, skipped",
                "fs/faces/dangling.png: symlink target does not exist, skipped",
                "linked/faces/dangling.png: symlink target does not exist, skipped");
    }

    @Test
    void spacedAndNonAsciiNamesWork() throws Exception {
        file("face set 1/faces/élan vital ü.png", "e");
        file("face set 1/faces/日本 語.jpg", "j");
        file("Ωmega/faces/a b.png", "a");

        CorpusWalk walk = CorpusWalk.open(root);
        List<CorpusImage> images = walk.stream().toList();

        assertThat(images).extracting(CorpusImage::relativePath).containsExactly(
                "face set 1/faces/élan vital ü.png",
                "face set 1/faces/日本 語.jpg",
                "Ωmega/faces/a b.png");
        assertThat(images).extracting(CorpusImage::faceset).containsExactly("face set 1", "face set 1", "Ωmega");
        for (CorpusImage image : images) {
            assertThat(image.path()).exists();
            assertThat(root.resolve(image.relativePath())).isEqualTo(image.path());
        }
        assertThat(walk.problems()).isEmpty();
    }

    @Test
    void namesThatAreNotValidUtf8AreReportedAndTheRestGoesOn() throws Exception {
        file("fs/faces/good.png", "g");
        // Java cannot spell a non-UTF-8 name, so the shell makes one: "caf" + Latin-1 e-acute + ".png".
        Process touch = new ProcessBuilder("sh", "-c", "touch \"$(printf 'caf\\351.png')\"")
                .directory(root.resolve("fs/faces").toFile()).inheritIO().start();
        assertThat(touch.waitFor()).isZero();
        try (var listing = Files.list(root.resolve("fs/faces"))) {
            assertThat(listing.count()).as("the shell created the odd name").isEqualTo(2);
        }

        CorpusWalk walk = CorpusWalk.open(root);

        assertThat(walk.stream().map(CorpusImage::relativePath)).containsExactly("fs/faces/good.png");
        assertThat(walk.problems()).hasSize(1);
        assertThat(walk.problems().get(0).relativePath()).isEqualTo("fs/faces/caf?.png");
        assertThat(walk.problems().get(0).message()).contains("not valid text").contains("rename it");
    }

    @Test
    void zeroByteFileIsStillListed() throws Exception {
        file("fs/faces/empty.png", "");

        assertThat(CorpusWalk.open(root).stream().toList())
                .singleElement()
                .satisfies(image -> assertThat(image.size()).isZero());
    }

    @Test
    void orderIsByNameWhateverTheCreationOrder() throws Exception {
        for (String name : List.of("c", "a", "b")) {
            file("set_" + name + "/faces/" + name + "2.png", name);
            file("set_" + name + "/faces/" + name + "10.png", name);
            file("set_" + name + "/faces/" + name + "1.png", name);
        }

        List<String> first = CorpusWalk.open(root).stream().map(CorpusImage::relativePath).toList();
        List<String> second = CorpusWalk.open(root).stream().map(CorpusImage::relativePath).toList();

        assertThat(first).containsExactly(
                "set_a/faces/a1.png", "set_a/faces/a10.png", "set_a/faces/a2.png",
                "set_b/faces/b1.png", "set_b/faces/b10.png", "set_b/faces/b2.png",
                "set_c/faces/c1.png", "set_c/faces/c10.png", "set_c/faces/c2.png");
        assertThat(second).isEqualTo(first);
    }

    @Test
    void faceSetsAreListedOnlyWhenTheWalkReachesThem() throws Exception {
        file("a/faces/1.png", "1");
        file("b/faces/1.png", "1");
        CorpusWalk walk = CorpusWalk.open(root);

        List<String> seen = new ArrayList<>();
        seen.add(walk.next().relativePath());
        file("b/faces/2.png", "2");
        walk.forEachRemaining(image -> seen.add(image.relativePath()));

        assertThat(seen).containsExactly("a/faces/1.png", "b/faces/1.png", "b/faces/2.png");
    }

    @Test
    void missingRootIsAOneLineError() {
        Path missing = root.resolve("nope");

        assertThatThrownBy(() -> CorpusWalk.open(missing))
                .isInstanceOf(CorpusException.class)
                .hasMessage("corpus root " + missing + " is not a folder: pass the folder that holds the face sets");
    }

    private void file(String rel, String content) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }
}
