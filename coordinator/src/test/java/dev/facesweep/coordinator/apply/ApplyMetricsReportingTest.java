package dev.facesweep.coordinator.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facesweep.coordinator.metrics.ApplyMetrics;
import dev.facesweep.coordinator.plan.Overrides;
import dev.facesweep.coordinator.plan.Plan;
import dev.facesweep.coordinator.plan.PlanImage;
import dev.facesweep.coordinator.plan.Thresholds;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Apply and revert tell the metrics port about every operation they journal. */
class ApplyMetricsReportingTest {

    @TempDir
    Path tmp;

    private final Map<String, Integer> reported = new ConcurrentHashMap<>();
    private final ApplyMetrics recording = (type, result) -> reported.merge(type + "/" + result.tag(), 1,
            Integer::sum);

    @Test
    void everyDoneAndRevertedOperationIsReported() throws Exception {
        Path root = tmp.resolve("corpus");
        Path state = tmp.resolve("state");
        List<PlanImage> images = SmallCorpus.write(root);
        Plan plan = TestPlans.make(root, images, Thresholds.defaults(), Overrides.none());
        Applies applies = new Applies(state, Clock.systemUTC(), Checkpoints.NONE, Applies.Listener.NONE, recording);

        ApplyOutcome applied = applies.apply(plan, "plan.json");

        Map<String, Integer> expectedDone = new TreeMap<>();
        applied.done().forEach((type, n) -> expectedDone.put(type.json() + "/done", n));
        assertThat(expectedDone).isNotEmpty();
        assertThat(new TreeMap<>(reported)).isEqualTo(expectedDone);

        reported.clear();
        ApplyOutcome reverted = applies.revert(applied.applyId());

        Map<String, Integer> expectedReverted = new TreeMap<>();
        reverted.done().forEach((type, n) -> expectedReverted.put(type.json() + "/reverted", n));
        assertThat(expectedReverted).isNotEmpty();
        assertThat(new TreeMap<>(reported)).isEqualTo(expectedReverted);
    }
}
