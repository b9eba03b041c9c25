package dev.facesweep.coordinator.plan;

import dev.facesweep.coordinator.store.ScanInfo;
import dev.facesweep.coordinator.store.ScanState;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.scoring.PromptSet;
import dev.facesweep.scoring.PromptSetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds complete plans from a scan in the store: the plan command and the review service share this.
 * Framework-free.
 */
public final class Plans {

    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

    /**
     * A plan with what went wrong on the way.
     *
     * @param warnings things worth knowing (unfinished scan, overrides naming nothing, unreadable prompt set)
     * @param problems inputs that could not be recorded (e.g. an image to drop is gone): apply would refuse them
     */
    public record Made(Plan plan, List<String> warnings, List<String> problems) {
    }

    private Plans() {
    }

    /**
     * The thresholds for a scan: the prompt set's per-attribute thresholds (as stored with the scan) overridden
     * by {@code attributeOverrides}, on top of the other values given.
     *
     * @param warnings receives a line when the stored prompt set cannot be read
     */
    public static Thresholds thresholds(ScanInfo scan, double imageThreshold, Map<String, Double> attributeOverrides,
            double facesetFraction, int minSurvivors, double nearBand, List<String> warnings) {
        Map<String, Double> attributes = new LinkedHashMap<>();
        if (scan.promptSetJson() != null && !scan.promptSetJson().isBlank()) {
            try {
                PromptSet prompts = PromptSet.parse(scan.promptSetJson(), "prompt set of scan " + scan.id());
                prompts.attributes().forEach((name, a) -> a.threshold().ifPresent(t -> attributes.put(name, t)));
            } catch (PromptSetException e) {
                warnings.add("cannot read the prompt set's thresholds (" + e.getMessage() + "); using the given"
                        + " ones");
            }
        }
        attributes.putAll(attributeOverrides);
        return new Thresholds(imageThreshold, attributes, facesetFraction, minSurvivors, nearBand);
    }

    /** The decisions only (no hashing): what a review page shows as the plan preview. */
    public static PlanBuilder preview(ScanStore store, ScanInfo scan, Thresholds thresholds, Overrides overrides) {
        PlanBuilder builder = new PlanBuilder(thresholds, overrides);
        store.forEachImage(scan.id(), record -> builder.add(PlanImage.from(record)));
        return builder;
    }

    /**
     * A complete plan: decisions plus the size and sha256 of every input (this reads every file apply will touch).
     *
     * @throws IllegalStateException when the scan's corpus root is not a folder any more
     */
    public static Made make(ScanStore store, ScanInfo scan, Thresholds thresholds, Overrides overrides,
            Clock clock) {
        List<String> warnings = new ArrayList<>();
        if (scan.state() != ScanState.FINISHED) {
            warnings.add("scan " + scan.id() + " is " + scan.state().name().toLowerCase(Locale.ROOT)
                    + ": images it has not scored yet are listed as unscored and left alone");
        }
        PlanBuilder builder = preview(store, scan, thresholds, overrides);
        warnings.addAll(builder.warnings());
        List<FacesetPlan> facesets = builder.facesets();
        Path root = Path.of(scan.root()).toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("corpus root " + root + " of scan " + scan.id()
                    + " is not a folder any more");
        }
        PlanInputs inputs = PlanInputs.collect(root, facesets);
        Instant now = clock.instant();
        Plan plan = new Plan(newId(now), scan.id(), root.toString(), now, scan.modelId(), scan.promptHash(),
                thresholds, overrides, facesets, inputs.inputs());
        return new Made(plan, warnings, inputs.problems());
    }

    static String newId(Instant now) {
        return ID_TIME.format(now) + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt())
                .substring(2);
    }
}
