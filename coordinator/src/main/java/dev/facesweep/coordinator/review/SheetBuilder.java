package dev.facesweep.coordinator.review;

import dev.facesweep.coordinator.plan.Action;
import dev.facesweep.coordinator.plan.FacesetPlan;
import dev.facesweep.coordinator.plan.Force;
import dev.facesweep.coordinator.plan.ImageVerdict;
import dev.facesweep.coordinator.plan.Overrides;
import dev.facesweep.coordinator.plan.Plan;
import dev.facesweep.coordinator.plan.PlanBuilder;
import dev.facesweep.coordinator.plan.PlanImage;
import dev.facesweep.coordinator.plan.Thresholds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Puts a scan's images together with a plan (a saved one, or a preview from {@link PlanBuilder}) into a
 * {@link ContactSheet}. The rules themselves are {@link PlanBuilder}'s; this class only arranges their results.
 */
public final class SheetBuilder {

    private SheetBuilder() {
    }

    /** The plan preview of a scan under the given thresholds and overrides. */
    public static ContactSheet preview(ContactSheet.ScanHeader scan, List<PlanImage> images, Thresholds thresholds,
            Overrides overrides) {
        PlanBuilder builder = new PlanBuilder(thresholds, overrides);
        images.forEach(builder::add);
        return assemble(scan, null, images, builder.facesets(), thresholds, overrides, builder.warnings());
    }

    /** A saved plan, with the images of its scan. */
    public static ContactSheet ofPlan(ContactSheet.ScanHeader scan, Plan plan, List<PlanImage> images) {
        List<String> warnings = new ArrayList<>();
        Set<String> planned = new HashSet<>();
        plan.facesets().forEach(f -> planned.add(f.name()));
        Set<String> unplanned = new TreeSet<>();
        List<PlanImage> shown = new ArrayList<>(images.size());
        for (PlanImage image : images) {
            if (planned.contains(image.faceset())) {
                shown.add(image);
            } else {
                unplanned.add(image.faceset());
            }
        }
        for (String name : unplanned) {
            warnings.add("face set " + name + " is in scan " + scan.id() + " but not in plan " + plan.id()
                    + ": not shown (make a new plan to include it)");
        }
        return assemble(scan, plan.id(), shown, plan.facesets(), plan.thresholds(), plan.overrides(), warnings);
    }

    private static ContactSheet assemble(ContactSheet.ScanHeader scan, String planId, List<PlanImage> images,
            List<FacesetPlan> plans, Thresholds thresholds, Overrides overrides, List<String> warnings) {
        Map<String, List<PlanImage>> byFaceset = new TreeMap<>();
        Set<String> attributes = new TreeSet<>();
        for (PlanImage image : images) {
            byFaceset.computeIfAbsent(image.faceset(), k -> new ArrayList<>()).add(image);
            attributes.addAll(image.scores().keySet());
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, Integer> totals = new LinkedHashMap<>();
        for (String key : List.of("images", "flagged", "near", "unreadable", "pending", "drop", "moved")) {
            totals.put(key, 0);
        }
        List<ContactSheet.Faceset> facesets = new ArrayList<>(plans.size());
        for (FacesetPlan plan : plans) {
            counts.merge(plan.action().json(), 1, Integer::sum);
            Set<String> drop = new HashSet<>(plan.drop());
            List<PlanImage> members = new ArrayList<>(byFaceset.getOrDefault(plan.name(), List.of()));
            members.sort(Comparator.comparing(PlanImage::relativePath));
            List<ContactSheet.Image> shown = new ArrayList<>(members.size());
            for (PlanImage image : members) {
                ContactSheet.Image row = image(image, PlanBuilder.verdict(image, thresholds, overrides), plan.action(),
                        drop);
                shown.add(row);
                totals.merge("images", 1, Integer::sum);
                totals.merge(row.status(), 1, Integer::sum);
                if (row.near() && !row.status().equals(ImageStatus.NEAR.css())) {
                    totals.merge("near", 1, Integer::sum);
                }
                if (!row.outcome().equals("keep")) {
                    totals.merge(row.outcome().equals("drop") ? "drop" : "moved", 1, Integer::sum);
                }
            }
            facesets.add(new ContactSheet.Faceset(plan.name(), plan.action().json(), plan.driver(),
                    plan.flaggedFraction(), plan.images(), plan.flagged(), overrides.keepsFaceset(plan.name()),
                    shown));
        }
        totals.remove("ok");
        return new ContactSheet(scan, planId, new ArrayList<>(attributes), thresholds, counts, totals, facesets,
                warnings);
    }

    private static ContactSheet.Image image(PlanImage image, ImageVerdict verdict, Action action, Set<String> drop) {
        String outcome;
        if (action.quarantines()) {
            outcome = "move";
        } else if (drop.contains(image.relativePath())) {
            outcome = "drop";
        } else {
            outcome = "keep";
        }
        Force force = verdict.forced();
        String path = image.relativePath();
        return new ContactSheet.Image(path, path.substring(path.lastIndexOf('/') + 1), image.sha256(),
                ImageStatus.of(verdict).css(), verdict.nearThreshold(), verdict.flaggedBy(), verdict.nearBy(),
                Collections.unmodifiableMap(new TreeMap<>(image.scores())), image.error(),
                force == null ? null : force.json(), outcome);
    }
}
