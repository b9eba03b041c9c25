package dev.facesweep.coordinator.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facesweep.coordinator.plan.Overrides;
import dev.facesweep.coordinator.plan.Plan;
import dev.facesweep.coordinator.plan.PlanImage;
import dev.facesweep.coordinator.plan.Thresholds;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A revert that stops at any of its checkpoints (simulated in-process by an exception that unwinds the run, as
 * a crash would, without any cleanup of the corpus) can be run again and still restores the original tree.
 */
class InterruptedRevertTest {

    @TempDir
    Path tmp;

    /** Throws at the n-th checkpoint. */
    private static final class CrashAt implements Checkpoints {
        private final int at;
        private int seen;
        final List<String> labels = new ArrayList<>();

        CrashAt(int at) {
            this.at = at;
        }

        @Override
        public void reached(String label) {
            labels.add(label);
            if (++seen == at) {
                throw new SimulatedCrash(label);
            }
        }
    }

    private static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash(String label) {
            super("simulated crash at " + label);
        }
    }

    @Test
    void aRevertStoppedAtAnyPointCanBeRunAgain() throws Exception {
        List<String> points = new ArrayList<>();
        for (int k = 1; ; k++) {
            Path root = tmp.resolve("k" + k + "/corpus");
            Path state = tmp.resolve("k" + k + "/state");
            List<PlanImage> images = SmallCorpus.write(root);
            TreeSnapshot original = TreeSnapshot.of(root);
            Plan plan = TestPlans.make(root, images, Thresholds.defaults(), Overrides.none());
            String applyId = new Applies(state, Clock.systemUTC(), Checkpoints.NONE, Applies.Listener.NONE)
                    .apply(plan, "plan.json").applyId();

            CrashAt crash = new CrashAt(k);
            Applies crashing = new Applies(state, Clock.systemUTC(), crash, Applies.Listener.NONE);
            try {
                crashing.revert(applyId);
                assertThat(k).as("revert checkpoints").isGreaterThan(10);
                assertThat(TreeSnapshot.of(root)).isEqualTo(original);
                break;
            } catch (SimulatedCrash e) {
                points.add(crash.labels.get(crash.labels.size() - 1));
            }
            assertThatThrownBy(() -> new Applies(state, Clock.systemUTC(), Checkpoints.NONE,
                    Applies.Listener.NONE).resume(applyId)).hasMessageContaining("was reverted");

            new Applies(state, Clock.systemUTC(), Checkpoints.NONE, Applies.Listener.NONE).revert(applyId);

            assertThat(TreeSnapshot.of(root)).as("after a revert stopped at %s and run again", points.get(
                    points.size() - 1)).isEqualTo(original);
            List<HistoryEntry> history = new Applies(state, Clock.systemUTC(), Checkpoints.NONE,
                    Applies.Listener.NONE).history();
            assertThat(history).extracting(HistoryEntry::state).containsExactly("applied", "reverted");
        }
        assertThat(points).anyMatch(p -> p.contains("restore temp")).anyMatch(p -> p.contains("undo intent"));
    }
}
