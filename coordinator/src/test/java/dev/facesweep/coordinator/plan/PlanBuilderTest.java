package dev.facesweep.coordinator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanBuilderTest {

    private static final Thresholds DEFAULTS = Thresholds.defaults();

    /** {@code n} images of a face set, all with the given scores. */
    private static List<PlanImage> images(String faceset, int from, int n, Map<String, Double> scores) {
        List<PlanImage> list = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            list.add(PlanImage.scored(faceset, String.format("%s/faces/%03d.png", faceset, i), scores));
        }
        return list;
    }

    private static List<PlanImage> concat(List<PlanImage>... parts) {
        List<PlanImage> all = new ArrayList<>();
        for (List<PlanImage> p : parts) {
            all.addAll(p);
        }
        return all;
    }

    private static FacesetPlan only(List<PlanImage> images, Thresholds t, Overrides o) {
        List<FacesetPlan> plans = PlanBuilder.build(images, t, o);
        assertThat(plans).hasSize(1);
        return plans.get(0);
    }

    private static final Map<String, Double> CLEAN = Map.of("mask", 0.1, "sunglasses", 0.2);
    private static final Map<String, Double> MASKED = Map.of("mask", 0.9, "sunglasses", 0.2);
    private static final Map<String, Double> SHADES = Map.of("mask", 0.1, "sunglasses", 0.75);

    @Test
    void threeCleanImagesStayKeepEvenThoughFewerThanMinSurvivors() {
        FacesetPlan f = only(images("fs", 0, 3, CLEAN), DEFAULTS, Overrides.none());
        assertThat(f.action()).isEqualTo(Action.KEEP);
        assertThat(f.driver()).isNull();
        assertThat(f.images()).isEqualTo(3);
        assertThat(f.flagged()).isZero();
        assertThat(f.flaggedFraction()).isZero();
        assertThat(f.drop()).isEmpty();
    }

    @Test
    void aProbabilityEqualToTheThresholdFlags() {
        // 1 flagged of 10: fraction 0.1 < 0.4, 9 survivors >= 5 -> prune
        List<PlanImage> all = concat(images("fs", 0, 9, CLEAN), images("fs", 9, 1, Map.of("mask", 0.7)));
        FacesetPlan f = only(all, DEFAULTS, Overrides.none());
        assertThat(f.action()).isEqualTo(Action.PRUNE);
        assertThat(f.drop()).containsExactly("fs/faces/009.png");
        assertThat(f.flaggedFraction()).isEqualTo(0.1);
        assertThat(f.driver()).isEqualTo("mask");
    }

    @Test
    void justBelowTheThresholdDoesNotFlag() {
        FacesetPlan f = only(concat(images("fs", 0, 9, CLEAN), images("fs", 9, 1, Map.of("mask", 0.6999))),
                DEFAULTS, Overrides.none());
        assertThat(f.action()).isEqualTo(Action.KEEP);
    }

    @Test
    void fractionAtTheFacesetThresholdQuarantinesAsMaskedWithTheMostFlaggingAttribute() {
        // 10 images: 3 mask + 1 sunglasses flagged = 4/10 = 0.40 -> masked, driver mask
        List<PlanImage> all = concat(images("fs", 0, 6, CLEAN), images("fs", 6, 3, MASKED),
                images("fs", 9, 1, SHADES));
        FacesetPlan f = only(all, DEFAULTS, Overrides.none());
        assertThat(f.action()).isEqualTo(Action.QUARANTINE_MASKED);
        assertThat(f.flaggedFraction()).isEqualTo(0.4);
        assertThat(f.driver()).isEqualTo("mask");
        assertThat(f.flaggedBy()).isEqualTo(Map.of("mask", 3, "sunglasses", 1));
        assertThat(f.drop()).as("quarantined face sets move whole").isEmpty();
    }

    @Test
    void justUnderTheFractionWithFewSurvivorsIsThin() {
        // 3 of 8 flagged = 0.375 < 0.4; 5 survivors -> prune. 2 of 6 = 0.333; 4 survivors < 5 -> thin.
        FacesetPlan prune = only(concat(images("a", 0, 5, CLEAN), images("a", 5, 3, SHADES)), DEFAULTS,
                Overrides.none());
        assertThat(prune.action()).isEqualTo(Action.PRUNE);
        assertThat(prune.survivors()).isEqualTo(5);
        FacesetPlan thin = only(concat(images("b", 0, 4, CLEAN), images("b", 4, 2, SHADES)), DEFAULTS,
                Overrides.none());
        assertThat(thin.action()).isEqualTo(Action.QUARANTINE_THIN);
        assertThat(thin.driver()).isEqualTo("sunglasses");
        assertThat(thin.drop()).isEmpty();
    }

    @Test
    void driverTiesGoToTheFirstAttributeByName() {
        List<PlanImage> all = concat(images("fs", 0, 2, CLEAN), images("fs", 2, 1, MASKED),
                images("fs", 3, 1, SHADES));
        FacesetPlan f = only(all, DEFAULTS, Overrides.none());
        assertThat(f.action()).isEqualTo(Action.QUARANTINE_MASKED);
        assertThat(f.driver()).isEqualTo("mask");
    }

    @Test
    void perAttributeThresholdsReplaceTheImageThreshold() {
        Thresholds t = DEFAULTS.withAttributes(Map.of("sunglasses", 0.8, "mask", 0.05));
        // sunglasses 0.75 < 0.8 is no longer flagged; mask 0.1 >= 0.05 now flags every image
        List<PlanImage> all = concat(images("fs", 0, 10, SHADES));
        FacesetPlan f = only(all, t, Overrides.none());
        assertThat(f.flaggedBy()).isEqualTo(Map.of("mask", 10));
        assertThat(f.driver()).isEqualTo("mask");
        // an attribute without its own threshold still uses the image threshold
        FacesetPlan g = only(images("g", 0, 10, Map.of("hat", 0.72)), t, Overrides.none());
        assertThat(g.flagged()).isEqualTo(10);
    }

    @Test
    void unreadableImagesAreListedNeverFlaggedNorCounted() {
        List<PlanImage> all = concat(images("fs", 0, 5, CLEAN),
                List.of(PlanImage.unreadable("fs", "fs/faces/bad.png", "not a PNG")));
        FacesetPlan f = only(all, DEFAULTS, Overrides.none());
        assertThat(f.action()).isEqualTo(Action.KEEP);
        assertThat(f.unreadable()).containsExactly("fs/faces/bad.png");
        assertThat(f.images()).isEqualTo(5);
        // with a prune, the unreadable image is not in drop
        List<PlanImage> pruned = concat(all, images("fs", 5, 1, MASKED));
        FacesetPlan p = only(pruned, DEFAULTS, Overrides.none());
        assertThat(p.action()).isEqualTo(Action.PRUNE);
        assertThat(p.drop()).containsExactly("fs/faces/005.png");
        assertThat(p.flaggedFraction()).isEqualTo(1.0 / 6);
    }

    @Test
    void unscoredImagesAreListedApart() {
        PlanImage pending = new PlanImage("fs", "fs/faces/p.png", null, 0, Map.of(), null, false);
        FacesetPlan f = only(List.of(pending), DEFAULTS, Overrides.none());
        assertThat(f.unscored()).containsExactly("fs/faces/p.png");
        assertThat(f.unreadable()).isEmpty();
        assertThat(f.images()).isZero();
        assertThat(f.action()).isEqualTo(Action.KEEP);
    }

    @Test
    void forcedKeepUnflagsAndForcedDropFlags() {
        List<PlanImage> all = concat(images("fs", 0, 8, CLEAN), images("fs", 8, 2, MASKED));
        Overrides o = new Overrides(Map.of("fs/faces/008.png", Force.KEEP, "fs/faces/000.png", Force.DROP),
                Map.of());
        FacesetPlan f = only(all, DEFAULTS, o);
        assertThat(f.action()).isEqualTo(Action.PRUNE);
        assertThat(f.drop()).containsExactly("fs/faces/000.png", "fs/faces/009.png");
        assertThat(f.flagged()).isEqualTo(2);
        assertThat(f.forced()).isEqualTo(Map.of("fs/faces/008.png", Force.KEEP, "fs/faces/000.png", Force.DROP));
        assertThat(f.driver()).isEqualTo("mask");
    }

    @Test
    void onlyForcedDropsGiveTheOverrideDriver() {
        List<PlanImage> all = images("fs", 0, 10, CLEAN);
        Overrides o = new Overrides(Map.of("fs/faces/003.png", Force.DROP), Map.of());
        FacesetPlan f = only(all, DEFAULTS, o);
        assertThat(f.action()).isEqualTo(Action.PRUNE);
        assertThat(f.driver()).isEqualTo(PlanBuilder.OVERRIDE_DRIVER);
        assertThat(f.drop()).containsExactly("fs/faces/003.png");
    }

    @Test
    void aForcedDropOfAnUnreadableImageCountsIt() {
        List<PlanImage> all = concat(images("fs", 0, 9, CLEAN),
                List.of(PlanImage.unreadable("fs", "fs/faces/bad.png", "truncated")));
        Overrides o = new Overrides(Map.of("fs/faces/bad.png", Force.DROP), Map.of());
        FacesetPlan f = only(all, DEFAULTS, o);
        assertThat(f.images()).isEqualTo(10);
        assertThat(f.flaggedFraction()).isEqualTo(0.1);
        assertThat(f.action()).isEqualTo(Action.PRUNE);
        assertThat(f.drop()).containsExactly("fs/faces/bad.png");
        assertThat(f.unreadable()).containsExactly("fs/faces/bad.png");
    }

    @Test
    void forcedKeepOfAFacesetBeatsEverything() {
        List<PlanImage> all = images("fs", 0, 4, MASKED);
        Overrides o = new Overrides(Map.of(), Map.of("fs", Force.KEEP));
        FacesetPlan f = only(all, DEFAULTS, o);
        assertThat(f.action()).isEqualTo(Action.KEEP);
        assertThat(f.driver()).isNull();
        assertThat(f.drop()).isEmpty();
        assertThat(f.flaggedFraction()).isEqualTo(1.0);
        assertThat(f.forced()).containsEntry("fs", Force.KEEP);
    }

    @Test
    void forcingDropOnAFacesetIsRejected() {
        assertThatThrownBy(() -> new Overrides(Map.of(), Map.of("fs", Force.DROP)))
                .hasMessageContaining("fs").hasMessageContaining("only 'keep'");
    }

    @Test
    void nearThresholdUsesEachAttributesThresholdAndTheBand() {
        Thresholds t = new Thresholds(0.7, Map.of("mask", 0.5), 0.4, 5, 0.05);
        List<PlanImage> all = List.of(
                PlanImage.scored("fs", "fs/faces/a.png", Map.of("mask", 0.53)), // near mask (0.5 +- 0.05), flagged
                PlanImage.scored("fs", "fs/faces/b.png", Map.of("mask", 0.46)), // near, not flagged
                PlanImage.scored("fs", "fs/faces/c.png", Map.of("mask", 0.44)), // outside the band
                PlanImage.scored("fs", "fs/faces/d.png", Map.of("sunglasses", 0.68)), // near 0.7
                PlanImage.scored("fs", "fs/faces/e.png", Map.of("sunglasses", 0.5))); // not near 0.7
        FacesetPlan f = only(all, t, Overrides.none());
        assertThat(f.nearThreshold()).containsExactly("fs/faces/a.png", "fs/faces/b.png", "fs/faces/d.png");
        ImageVerdict a = PlanBuilder.verdict(all.get(0), t, Overrides.none());
        assertThat(a.flaggedBy()).containsExactly("mask");
        assertThat(a.nearBy()).containsExactly("mask");
        assertThat(a.flagged()).isTrue();
    }

    @Test
    void theBandsEdgesCountAsNearDespiteDecimalRounding() {
        Thresholds t = new Thresholds(0.7, Map.of("mask", 0.6), 0.4, 5, 0.05);
        assertThat(PlanBuilder.verdict(PlanImage.scored("fs", "a", Map.of("mask", 0.65)), t, Overrides.none())
                .nearThreshold()).isTrue();
        assertThat(PlanBuilder.verdict(PlanImage.scored("fs", "b", Map.of("mask", 0.55)), t, Overrides.none())
                .nearThreshold()).isTrue();
        assertThat(PlanBuilder.verdict(PlanImage.scored("fs", "c", Map.of("hat", 0.75)), t, Overrides.none())
                .nearThreshold()).isTrue();
        assertThat(PlanBuilder.verdict(PlanImage.scored("fs", "d", Map.of("hat", 0.7501)), t, Overrides.none())
                .nearThreshold()).isFalse();
    }

    @Test
    void facesetsAreDecidedIndependentlyAndListedByName() {
        List<PlanImage> all = concat(images("b", 0, 3, CLEAN), images("a", 0, 2, MASKED),
                images("c", 0, 10, CLEAN), images("c", 10, 1, SHADES));
        List<FacesetPlan> plans = PlanBuilder.build(all, DEFAULTS, Overrides.none());
        assertThat(plans).extracting(FacesetPlan::name).containsExactly("a", "b", "c");
        assertThat(plans).extracting(FacesetPlan::action)
                .containsExactly(Action.QUARANTINE_MASKED, Action.KEEP, Action.PRUNE);
    }

    @Test
    void overridesNamingNothingAreWarnedAbout() {
        PlanBuilder builder = new PlanBuilder(DEFAULTS, new Overrides(
                Map.of("fs/faces/000.png", Force.KEEP, "fs/faces/nope.png", Force.DROP), Map.of("ghost", Force.KEEP)));
        images("fs", 0, 3, CLEAN).forEach(builder::add);
        assertThat(builder.warnings()).hasSize(2)
                .anySatisfy(w -> assertThat(w).contains("fs/faces/nope.png"))
                .anySatisfy(w -> assertThat(w).contains("ghost"));
    }

    @Test
    void minSurvivorsAndFractionAreConfigurable() {
        Thresholds t = new Thresholds(0.7, Map.of(), 0.5, 2, 0.05);
        // 2 of 5 = 0.4 < 0.5; 3 survivors >= 2 -> prune
        FacesetPlan f = only(concat(images("fs", 0, 3, CLEAN), images("fs", 3, 2, MASKED)), t, Overrides.none());
        assertThat(f.action()).isEqualTo(Action.PRUNE);
    }
}
