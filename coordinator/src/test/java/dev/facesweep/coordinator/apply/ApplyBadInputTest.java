package dev.facesweep.coordinator.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facesweep.coordinator.cli.CliRunner;
import dev.facesweep.coordinator.plan.Force;
import dev.facesweep.coordinator.plan.Overrides;
import dev.facesweep.coordinator.plan.Plan;
import dev.facesweep.coordinator.plan.PlanImage;
import dev.facesweep.coordinator.plan.Thresholds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Changed inputs, malformed manifests, damaged archives, odd names: clear messages and nothing lost. */
class ApplyBadInputTest {

    @TempDir
    Path tmp;

    private Path root;
    private Path state;

    private Path plan(List<PlanImage> images, Overrides overrides) throws Exception {
        Plan plan = TestPlans.make(root, images, Thresholds.defaults(), overrides);
        return TestPlans.write(plan, tmp.resolve("plan.json"));
    }

    private Path smallCorpusPlan() throws Exception {
        root = tmp.resolve("corpus");
        state = tmp.resolve("state");
        return plan(SmallCorpus.write(root), Overrides.none());
    }

    @Test
    void anImageChangedAfterThePlanIsRefusedNamingIt() throws Exception {
        Path planFile = smallCorpusPlan();
        Files.writeString(root.resolve("fs prune/faces/a b.png"), "edited by hand");
        TreeSnapshot before = TreeSnapshot.of(root);

        CliRunner.Result r = CliRunner.run("apply", planFile.toString(), "--state", state.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("fs prune/faces/a b.png: size changed").contains("changed since the plan")
                .contains("nothing was applied");
        assertThat(TreeSnapshot.of(root)).isEqualTo(before);
        assertThat(CliRunner.run("history", "--state", state.toString()).out()).contains("no applies yet");
    }

    @Test
    void sameSizeContentChangesAndMissingInputsAreRefusedToo() throws Exception {
        Path planFile = smallCorpusPlan();
        Path fsz = root.resolve("fs prune/fs prune.fsz");
        byte[] bytes = Files.readAllBytes(fsz);
        bytes[bytes.length / 2] ^= 1;
        Files.write(fsz, bytes);
        Files.delete(root.resolve("fs mask/manifest.json"));

        CliRunner.Result r = CliRunner.run("apply", planFile.toString(), "--state", state.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("fs prune/fs prune.fsz: content changed (sha256 differs, same size)")
                .contains("fs mask/manifest.json: missing");
    }

    @Test
    void dryRunListsEveryOperationAndChangesNothing() throws Exception {
        Path planFile = smallCorpusPlan();
        TreeSnapshot before = TreeSnapshot.of(root);

        CliRunner.Result r = CliRunner.run("apply", planFile.toString(), "--dry-run", "--state", state.toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("would create folder fs prune/faces/_dropped/")
                .contains("would move fs prune/faces/a b.png -> fs prune/faces/_dropped/a b.png")
                .contains("would move fs prune/faces/ü.png -> fs prune/faces/_dropped/ü.png")
                .contains("would rebuild fs prune/fs prune.fsz without 2 pruned image(s)")
                .contains("would edit fs prune/manifest.json")
                .contains("would move face set fs mask/ -> _masked/fs mask/")
                .contains("would edit manifest.json")
                .contains("dry run: 8 operation(s)");
        assertThat(TreeSnapshot.of(root)).isEqualTo(before);
        assertThat(state.resolve("applies")).doesNotExist();
    }

    @Test
    void malformedManifestsDamagedArchivesAndOddFilesAreReportedAndNothingIsLost() throws Exception {
        root = tmp.resolve("corpus ñ");
        state = tmp.resolve("state");
        List<PlanImage> images = new ArrayList<>();
        // a prune with a malformed manifest and a damaged archive; unknown files and a sub-folder beside the faces
        Path bad = root.resolve("bad set/faces");
        Files.createDirectories(bad.resolve("thumbs"));
        for (int i = 0; i < 10; i++) {
            String name = "face " + i + "é.png";
            Files.writeString(bad.resolve(name), "img " + i);
            images.add(PlanImage.scored("bad set", "bad set/faces/" + name,
                    Map.of("mask", i == 3 ? 0.91 : 0.05)));
        }
        Files.writeString(bad.resolve("thumbs/t.jpg"), "thumbnail");
        Files.writeString(bad.resolve("desktop.ini"), "[x]");
        Files.writeString(root.resolve("bad set/manifest.json"), "{\"faces\": [\"face 3é.png\",");
        Files.writeString(root.resolve("bad set/bad set.fsz"), "this is not a zip archive");
        Files.writeString(root.resolve("bad set/notes.md"), "hand notes");
        // a prune without any .fsz and with faces[] that is not an array
        Path plain = root.resolve("日本/faces");
        Files.createDirectories(plain);
        for (int i = 0; i < 6; i++) {
            Files.writeString(plain.resolve(i + ".png"), "p" + i);
            images.add(PlanImage.scored("日本", "日本/faces/" + i + ".png", Map.of("sunglasses", i == 0 ? 0.8 : 0.1)));
        }
        Files.writeString(root.resolve("日本/manifest.json"), "{\"faces\": {\"0.png\": 1}}");
        // an unreadable image in a kept face set
        Path kept = root.resolve("kept/faces");
        Files.createDirectories(kept);
        Files.writeString(kept.resolve("ok.png"), "ok");
        Files.writeString(kept.resolve("broken.png"), "");
        images.add(PlanImage.scored("kept", "kept/faces/ok.png", Map.of("mask", 0.1)));
        images.add(PlanImage.unreadable("kept", "kept/faces/broken.png", "zero-byte file"));
        // a master manifest that is not an object
        Files.writeString(root.resolve("manifest.json"), "[1, 2]");
        Files.writeString(root.resolve("random.bin"), "x");
        TreeSnapshot before = TreeSnapshot.of(root);
        Path planFile = plan(images, Overrides.none());

        CliRunner.Result r = CliRunner.run("apply", planFile.toString(), "--state", state.toString());

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("bad set/manifest.json: is not valid JSON")
                .contains("bad set/bad set.fsz: damaged archive (not a zip archive")
                .contains("日本/manifest.json: \"faces\" is not an array")
                .contains("manifest.json (master manifest): is not a JSON object");
        assertThat(r.out()).contains("note: 日本: no .fsz archive, none created").contains("apply id: ");
        assertThat(root.resolve("bad set/faces/_dropped/face 3é.png")).hasContent("img 3");
        assertThat(root.resolve("bad set/faces/face 3é.png")).doesNotExist();
        assertThat(root.resolve("日本/faces/_dropped/0.png")).hasContent("p0");
        assertThat(root.resolve("bad set/manifest.json")).hasContent("{\"faces\": [\"face 3é.png\",");
        assertThat(root.resolve("bad set/bad set.fsz")).hasContent("this is not a zip archive");
        assertThat(root.resolve("manifest.json")).hasContent("[1, 2]");
        assertThat(root.resolve("bad set/faces/thumbs/t.jpg")).hasContent("thumbnail");
        assertThat(root.resolve("bad set/faces/desktop.ini")).hasContent("[x]");
        assertThat(root.resolve("kept/faces/broken.png")).exists();
        try (Stream<Path> files = Files.list(root.resolve("日本"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".fsz"));
        }

        String applyId = r.outLines().stream().filter(l -> l.startsWith("apply id: ")).findFirst().orElseThrow()
                .substring("apply id: ".length()).split(" ")[0];
        CliRunner.Result reverted = CliRunner.run("revert", "latest", "--state", state.toString());
        assertThat(reverted.exit()).as(reverted.toString()).isZero();
        assertThat(reverted.out()).contains("reverted " + applyId);
        assertThat(TreeSnapshot.of(root)).isEqualTo(before);
    }

    @Test
    void revertRefusesNamingAFileChangedSinceTheApplyAndChangesNothing() throws Exception {
        Path planFile = smallCorpusPlan();
        CliRunner.Result applied = CliRunner.run("apply", planFile.toString(), "--state", state.toString(),
                "--json");
        assertThat(applied.exit()).as(applied.toString()).isZero();
        String applyId = TestJson.MAPPER.readTree(applied.out()).get("apply").asString();
        Files.writeString(root.resolve("fs prune/faces/_dropped/ü.png"), "touched after the apply");
        Files.writeString(root.resolve("_masked/fs mask/faces/1.png"), "touched too");
        TreeSnapshot afterApply = TreeSnapshot.of(root);

        CliRunner.Result r = CliRunner.run("revert", applyId, "--state", state.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("fs prune/faces/_dropped/ü.png was changed since the apply")
                .contains("_masked/fs mask/faces/1.png was changed").contains("nothing was changed");
        assertThat(TreeSnapshot.of(root)).isEqualTo(afterApply);
    }

    @Test
    void revertRefusesWhenARewrittenManifestWasEditedAfterwards() throws Exception {
        Path planFile = smallCorpusPlan();
        assertThat(CliRunner.run("apply", planFile.toString(), "--state", state.toString()).exit()).isZero();
        Path manifest = root.resolve("fs prune/manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"yaw\": 3", "\"yaw\": 4"));

        CliRunner.Result r = CliRunner.run("revert", "latest", "--state", state.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("fs prune/manifest.json was changed since the apply");
    }

    @Test
    void resumeOfAFinishedApplyChangesNothingAndOfARevertedOneIsRefused() throws Exception {
        Path planFile = smallCorpusPlan();
        CliRunner.Result applied = CliRunner.run("apply", planFile.toString(), "--state", state.toString(),
                "--json");
        String applyId = TestJson.MAPPER.readTree(applied.out()).get("apply").asString();
        TreeSnapshot afterApply = TreeSnapshot.of(root);

        CliRunner.Result again = CliRunner.run("apply", "--resume", applyId, "--state", state.toString());
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(TreeSnapshot.of(root)).isEqualTo(afterApply);

        assertThat(CliRunner.run("revert", applyId, "--state", state.toString()).exit()).isZero();
        CliRunner.Result resumed = CliRunner.run("apply", "--resume", applyId, "--state", state.toString());
        assertThat(resumed.exit()).isEqualTo(2);
        assertThat(resumed.err()).contains("was reverted");
        CliRunner.Result twice = CliRunner.run("revert", applyId, "--state", state.toString());
        assertThat(twice.exit()).isZero();
        assertThat(twice.out()).contains("already reverted");
        assertThat(CliRunner.run("revert", "latest", "--state", state.toString()).err())
                .contains("no apply to revert");
        assertThat(CliRunner.run("revert", "nope", "--state", state.toString()).err()).contains("no apply nope");

        CliRunner.Result history = CliRunner.run("history", "--state", state.toString());
        assertThat(history.outLines()).hasSize(2);
        assertThat(history.outLines().get(0)).contains("apply").contains(applyId).contains("applied")
                .contains("move 2").contains("move_dir 1").contains("rewrite_fsz 1");
        assertThat(history.outLines().get(1)).contains("revert").contains("reverted").contains("move 2");
    }

    @Test
    void overridesAreAppliedAndRecordedInThePlan() throws Exception {
        root = tmp.resolve("corpus");
        state = tmp.resolve("state");
        List<PlanImage> images = SmallCorpus.write(root);
        Overrides overrides = new Overrides(Map.of("fs prune/faces/a b.png", Force.KEEP,
                "fs prune/faces/0004.png", Force.DROP), Map.of("fs mask", Force.KEEP));
        Path planFile = plan(images, overrides);
        assertThat(Files.readString(planFile)).contains("\"fs prune/faces/a b.png\" : \"keep\"")
                .contains("\"fs mask\" : \"keep\"");

        CliRunner.Result r = CliRunner.run("apply", planFile.toString(), "--state", state.toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(root.resolve("fs prune/faces/a b.png")).exists();
        assertThat(root.resolve("fs prune/faces/_dropped/0004.png")).exists();
        assertThat(root.resolve("fs prune/faces/_dropped/ü.png")).exists();
        assertThat(root.resolve("fs mask/faces/0.png")).exists();
        assertThat(root.resolve("_masked")).doesNotExist();
        assertThat(TreeSnapshot.members(root.resolve("fs prune/fs prune.fsz")).keySet())
                .containsExactly("0000:0008.png", "0001:0007.png", "0002:0006.png", "0003:0005.png",
                        "0004:a b.png", "0005:0001.png");
        assertThat(new String(Files.readAllBytes(root.resolve("manifest.json")), StandardCharsets.UTF_8))
                .contains("\"overrides\": 3");
    }
}
