package dev.facesweep.coordinator.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.facesweep.coordinator.cli.CliRunner;
import dev.facesweep.coordinator.plan.Overrides;
import dev.facesweep.coordinator.plan.Plan;
import dev.facesweep.coordinator.plan.PlanImage;
import dev.facesweep.coordinator.plan.Thresholds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills {@code facesweep apply} (a separate JVM, SIGKILL via {@link Process#destroyForcibly()}) at every
 * checkpoint of a corpus that makes every kind of operation: after each intent line, after each backup, after
 * each temporary file, after each rename or move, and so on. From every killed state, {@code apply --resume}
 * gives the same tree as an uninterrupted apply, and {@code revert} gives the original tree.
 */
class ApplyCrashTest {

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void resumeAndRevertWorkFromEveryKillPoint() throws Exception {
        Path refRoot = tmp.resolve("ref/corpus");
        Path refState = tmp.resolve("ref/state");
        List<PlanImage> images = SmallCorpus.write(refRoot);
        TreeSnapshot original = TreeSnapshot.of(refRoot);
        Path refPlan = TestPlans.write(TestPlans.make(refRoot, images, Thresholds.defaults(), Overrides.none()),
                tmp.resolve("ref/plan.json"));
        CliRunner.Result ref = CliRunner.run("apply", refPlan.toString(), "--state", refState.toString());
        assertThat(ref.exit()).as(ref.toString()).isZero();
        Map<String, String> applied = normalised(refRoot);
        assertThat(applied).isNotEqualTo(original.entries());

        List<String> labels = new ArrayList<>();
        for (int k = 1; ; k++) {
            Path base = tmp.resolve("k" + k);
            Path root = base.resolve("corpus");
            Path state = base.resolve("state");
            SmallCorpus.write(root);
            Plan plan = TestPlans.make(root, images, Thresholds.defaults(), Overrides.none());
            Path planFile = TestPlans.write(plan, base.resolve("plan.json"));
            Path marker = base.resolve("halted");
            Process child = startApply(planFile, state, k, marker, base);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
                    .until(() -> Files.exists(marker) || !child.isAlive());
            if (!Files.exists(marker)) {
                // past the last checkpoint: the child ran to the end on its own
                assertThat(child.waitFor()).as(Files.readString(base.resolve("err.txt"))).isZero();
                assertThat(normalised(root)).isEqualTo(applied);
                assertThat(k).as("checkpoints seen").isGreaterThan(20);
                break;
            }
            String label = Files.readString(marker);
            labels.add(label);
            child.destroyForcibly();
            child.waitFor();
            Files.delete(marker);
            DirImage killed = DirImage.capture(base);
            String applyId = onlyApply(state);

            CliRunner.Result resumed = CliRunner.run("apply", "--resume", applyId, "--state", state.toString());
            assertThat(resumed.exit()).as("resume after kill at %s: %s", label, resumed).isZero();
            assertThat(normalised(root)).as("resumed after kill at %s", label).isEqualTo(applied);

            killed.restore();
            CliRunner.Result reverted = CliRunner.run("revert", applyId, "--state", state.toString());
            assertThat(reverted.exit()).as("revert after kill at %s: %s", label, reverted).isZero();
            assertThat(TreeSnapshot.of(root).entries()).as("reverted after kill at %s", label)
                    .isEqualTo(original.entries());
        }
        assertThat(labels).anyMatch(l -> l.contains("rewrite_fsz backup"))
                .anyMatch(l -> l.contains("rewrite_fsz temp"))
                .anyMatch(l -> l.contains("rewrite_manifest renamed"))
                .anyMatch(l -> l.contains("move moved"))
                .anyMatch(l -> l.contains("move_dir intent"))
                .anyMatch(l -> l.contains("update_master temp"));
    }

    private Process startApply(Path planFile, Path state, int haltAt, Path marker, Path base) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "dev.facesweep.coordinator.cli.FacesweepCli", "apply",
                planFile.toString(), "--state", state.toString());
        pb.environment().remove("FACESWEEP_STATE");
        pb.environment().put(EnvCheckpoints.HALT_AT, Integer.toString(haltAt));
        pb.environment().put(EnvCheckpoints.MARKER, marker.toString());
        pb.redirectOutput(base.resolve("out.txt").toFile());
        pb.redirectError(base.resolve("err.txt").toFile());
        return pb.start();
    }

    private static String onlyApply(Path state) throws IOException {
        try (Stream<Path> dirs = Files.list(state.resolve("applies"))) {
            List<String> ids = dirs.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList();
            assertThat(ids).hasSize(1);
            return ids.get(0);
        }
    }

    /** The tree with the master manifest's apply ids and dates masked (they differ from run to run). */
    static Map<String, String> normalised(Path root) {
        return TreeSnapshot.of(root, (rel, bytes) -> {
            if (!rel.equals("manifest.json")) {
                return bytes;
            }
            String text = new String(bytes, StandardCharsets.UTF_8)
                    .replaceAll("\"(apply|date)\": \"[^\"]*\"", "\"$1\": \"*\"");
            return text.getBytes(StandardCharsets.UTF_8);
        }).entries();
    }
}
