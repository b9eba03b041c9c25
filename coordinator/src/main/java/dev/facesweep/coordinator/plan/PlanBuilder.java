package dev.facesweep.coordinator.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns per-image scores into per-face-set decisions (brief, "Decisions"). Pure: no files, no store.
 *
 * <p>The rules, per face set:
 * <ol>
 *   <li>An image is flagged when any attribute's probability is {@code >=} that attribute's threshold
 *       ({@link Thresholds#thresholdFor}). Unreadable (and not yet scored) images are listed, never flagged.</li>
 *   <li>Overrides: an image forced to keep never counts as flagged; an image forced to drop always does (and is
 *       counted among the face set's images even when it could not be scored). A face set forced to keep is
 *       {@link Action#KEEP} whatever its images say.</li>
 *   <li>{@code images} = counted images (scored ones plus forced drops), {@code flagged} = flagged ones,
 *       {@code fraction = flagged / images}.</li>
 *   <li>Nothing flagged: keep. Else fraction {@code >=} {@link Thresholds#facesetFraction()}: quarantine_masked.
 *       Else {@code images - flagged < minSurvivors}: quarantine_thin. Else prune the flagged images.</li>
 *   <li>Near threshold: a scored image with any probability within the near band of its attribute's threshold,
 *       edges included ({@code |p - t| <= band}).</li>
 *   <li>The driver is the attribute flagging the most counted-flagged images (ties: first by name), or
 *       {@code "override"} when only forced drops are flagged.</li>
 * </ol>
 *
 * <p>Feed images with {@link #add} in any order (memory grows with flagged, near and unreadable images, not
 * with the corpus), then read {@link #facesets()}. Not thread-safe.
 */
public final class PlanBuilder {

    /** The driver recorded when only forced drops flagged a face set. */
    public static final String OVERRIDE_DRIVER = "override";

    /** Slack on the near band so that decimal edges count as inside (0.65 - 0.6 is 0.05000000000000004). */
    static final double NEAR_TOLERANCE = 1e-9;

    private final Thresholds thresholds;
    private final Overrides overrides;
    private final Map<String, Tally> tallies = new TreeMap<>();
    private final Set<String> matchedImageOverrides = new HashSet<>();

    public PlanBuilder(Thresholds thresholds, Overrides overrides) {
        this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
        this.overrides = Objects.requireNonNull(overrides, "overrides");
    }

    /** Builds the decisions for a whole collection of images at once. */
    public static List<FacesetPlan> build(Iterable<PlanImage> images, Thresholds thresholds, Overrides overrides) {
        PlanBuilder builder = new PlanBuilder(thresholds, overrides);
        images.forEach(builder::add);
        return builder.facesets();
    }

    /** How the rules see one image on its own (no face-set context). */
    public static ImageVerdict verdict(PlanImage image, Thresholds thresholds, Overrides overrides) {
        List<String> flaggedBy = new ArrayList<>();
        List<String> nearBy = new ArrayList<>();
        if (image.scored()) {
            for (Map.Entry<String, Double> score : new TreeMap<>(image.scores()).entrySet()) {
                double p = score.getValue();
                double t = thresholds.thresholdFor(score.getKey());
                if (p >= t) {
                    flaggedBy.add(score.getKey());
                }
                if (Math.abs(p - t) <= thresholds.nearBand() + NEAR_TOLERANCE) {
                    nearBy.add(score.getKey());
                }
            }
        }
        Force forced = overrides.image(image.relativePath());
        boolean flagged = forced == Force.DROP || (forced != Force.KEEP && !flaggedBy.isEmpty());
        return new ImageVerdict(image.relativePath(), image.unreadable(), image.scored(), flaggedBy, nearBy, forced,
                flagged);
    }

    /** Adds one image (each path once). */
    public void add(PlanImage image) {
        ImageVerdict v = verdict(image, thresholds, overrides);
        Tally t = tallies.computeIfAbsent(image.faceset(), Tally::new);
        if (v.forced() != null) {
            t.forced.put(image.relativePath(), v.forced());
            matchedImageOverrides.add(image.relativePath());
        }
        if (image.unreadable()) {
            t.unreadable.add(image.relativePath());
        } else if (!image.scored()) {
            t.unscored.add(image.relativePath());
        }
        if (v.nearThreshold()) {
            t.near.add(image.relativePath());
        }
        if (v.counted()) {
            t.images++;
        }
        if (v.flagged()) {
            t.flagged.add(image.relativePath());
            for (String attribute : v.flaggedBy()) {
                t.flaggedBy.merge(attribute, 1, Integer::sum);
            }
        }
    }

    /** The decision for every face set seen so far, by name. */
    public List<FacesetPlan> facesets() {
        List<FacesetPlan> plans = new ArrayList<>(tallies.size());
        for (Tally t : tallies.values()) {
            plans.add(decide(t));
        }
        return plans;
    }

    /**
     * Overrides that named nothing the builder saw: one line each, e.g. {@code override for faceset_009/faces/x.png
     * names no image of the scan, ignored}.
     */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        for (String path : overrides.images().keySet()) {
            if (!matchedImageOverrides.contains(path)) {
                warnings.add("override for " + path + " names no image of the scan, ignored (paths are relative to"
                        + " the corpus root, e.g. faceset_001/faces/0001.png)");
            }
        }
        for (String name : overrides.facesets().keySet()) {
            if (!tallies.containsKey(name)) {
                warnings.add("override for face set " + name + " names no face set of the scan, ignored");
            }
        }
        return warnings;
    }

    private FacesetPlan decide(Tally t) {
        int flagged = t.flagged.size();
        double fraction = t.images == 0 ? 0.0 : (double) flagged / t.images;
        Map<String, Force> forced = new LinkedHashMap<>(t.forced);
        boolean keptByOverride = overrides.keepsFaceset(t.name);
        if (keptByOverride) {
            forced.put(t.name, Force.KEEP);
        }
        Action action;
        if (keptByOverride || flagged == 0) {
            action = Action.KEEP;
        } else if (fraction >= thresholds.facesetFraction()) {
            action = Action.QUARANTINE_MASKED;
        } else if (t.images - flagged < thresholds.minSurvivors()) {
            action = Action.QUARANTINE_THIN;
        } else {
            action = Action.PRUNE;
        }
        String driver = action == Action.KEEP ? null : driver(t.flaggedBy);
        List<String> drop = action == Action.PRUNE ? sorted(t.flagged) : List.of();
        return new FacesetPlan(t.name, action, driver, fraction, t.images, flagged, t.flaggedBy, drop,
                sorted(t.unreadable), sorted(t.near), sorted(t.unscored), forced);
    }

    private static String driver(Map<String, Integer> flaggedBy) {
        String best = null;
        int bestCount = 0;
        for (Map.Entry<String, Integer> e : flaggedBy.entrySet()) {
            if (e.getValue() > bestCount) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best == null ? OVERRIDE_DRIVER : best;
    }

    private static List<String> sorted(List<String> paths) {
        List<String> copy = new ArrayList<>(paths);
        Collections.sort(copy);
        return copy;
    }

    /** Running counts for one face set. */
    private static final class Tally {
        final String name;
        int images;
        final List<String> flagged = new ArrayList<>();
        final Map<String, Integer> flaggedBy = new TreeMap<>();
        final List<String> unreadable = new ArrayList<>();
        final List<String> unscored = new ArrayList<>();
        final List<String> near = new ArrayList<>();
        final Map<String, Force> forced = new TreeMap<>();

        Tally(String name) {
            this.name = name;
        }
    }
}
