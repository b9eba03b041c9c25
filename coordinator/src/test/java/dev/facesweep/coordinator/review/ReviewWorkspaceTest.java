package dev.facesweep.coordinator.review;

import static dev.facesweep.coordinator.review.ReviewCorpus.HOSTILE_FACESET;
import static dev.facesweep.coordinator.review.ReviewCorpus.HOSTILE_FILE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.facesweep.coordinator.plan.Force;
import dev.facesweep.coordinator.plan.Overrides;
import dev.facesweep.coordinator.plan.Plan;
import dev.facesweep.coordinator.plan.PlanJson;
import dev.facesweep.coordinator.plan.Thresholds;
import dev.facesweep.coordinator.store.ScanStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The review workspace over a scan with made-up scores; expected actions worked out by hand in ReviewCorpus. */
class ReviewWorkspaceTest {

    @TempDir
    Path dir;

    private ReviewCorpus.Made corpus;
    private ScanStore store;
    private ReviewWorkspace workspace;

    @BeforeEach
    void setUp() throws Exception {
        corpus = ReviewCorpus.make(dir);
        store = ScanStore.sqlite(corpus.state(), Clock.systemUTC());
        workspace = new ReviewWorkspace(store, corpus.state(), new Thumbnails(64), Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void sheetShowsEveryFacesetWithTheRulesActions() {
        ContactSheet sheet = workspace.sheet(corpus.scanId(), Thresholds.defaults());

        Map<String, ContactSheet.Faceset> f = byName(sheet);
        assertThat(f).containsOnlyKeys("faceset_keep", "faceset_prune", "faceset_masked", "faceset_thin",
                HOSTILE_FACESET);
        assertThat(f.get("faceset_keep").action()).isEqualTo("keep");
        assertThat(f.get("faceset_keep").driver()).isNull();
        assertThat(f.get("faceset_prune").action()).isEqualTo("prune");
        assertThat(f.get("faceset_prune").driver()).isEqualTo("mask");
        assertThat(f.get("faceset_prune").flaggedFraction()).isEqualTo(1.0 / 6);
        assertThat(f.get("faceset_masked").action()).isEqualTo("quarantine_masked");
        assertThat(f.get("faceset_masked").flaggedFraction()).isEqualTo(0.5);
        assertThat(f.get("faceset_thin").action()).isEqualTo("quarantine_thin");
        assertThat(f.get("faceset_thin").driver()).isEqualTo("sunglasses");
        assertThat(f.get(HOSTILE_FACESET).action()).isEqualTo("keep");
        assertThat(sheet.counts()).containsOnly(entry("keep", 2), entry("prune", 1), entry("quarantine_masked", 1),
                entry("quarantine_thin", 1));
        assertThat(sheet.attributes()).containsExactly("mask", "sunglasses");
        assertThat(sheet.totals()).contains(entry("images", 20), entry("flagged", 4), entry("unreadable", 1),
                entry("drop", 1), entry("moved", 9));
    }

    @Test
    void imagesCarryStatusNearFlagAndOutcome() {
        Map<String, ContactSheet.Image> images = images(workspace.sheet(corpus.scanId(), Thresholds.defaults()));

        assertThat(images).hasSize(corpus.specs().size());
        assertThat(images.get("faceset_prune/faces/p1.png"))
                .satisfies(i -> assertThat(i.status()).isEqualTo("flagged"))
                .satisfies(i -> assertThat(i.flaggedBy()).containsExactly("mask"))
                .satisfies(i -> assertThat(i.outcome()).isEqualTo("drop"))
                .satisfies(i -> assertThat(i.scores()).containsEntry("mask", 0.91));
        assertThat(images.get("faceset_prune/faces/p2.png").status()).isEqualTo("near");
        assertThat(images.get("faceset_prune/faces/p2.png").nearBy()).containsExactly("mask");
        assertThat(images.get("faceset_prune/faces/p3.png").status()).isEqualTo("ok");
        assertThat(images.get("faceset_prune/faces/p3.png").outcome()).isEqualTo("keep");
        assertThat(images.get("faceset_keep/faces/k3.png").status()).isEqualTo("near");
        assertThat(images.get("faceset_masked/faces/m3.png").outcome()).isEqualTo("move");
        ContactSheet.Image broken = images.get(HOSTILE_FACESET + "/faces/broken.png");
        assertThat(broken.status()).isEqualTo("unreadable");
        assertThat(broken.error()).isEqualTo(ReviewCorpus.UNREADABLE_ERROR);
        assertThat(broken.outcome()).isEqualTo("keep");
        assertThat(images.get(HOSTILE_FACESET + "/faces/" + HOSTILE_FILE).name()).isEqualTo(HOSTILE_FILE);
    }

    @Test
    void thresholdsChangeTheStatuses() {
        // k3 sits 0.01 above 0.65: outside a band of 0.005 (band edges count as near since PlanBuilder treats them inclusively)
        Thresholds lower = new Thresholds(0.65, Map.of(), 0.4, 5, 0.005);

        Map<String, ContactSheet.Image> images = images(workspace.sheet(corpus.scanId(), lower));

        assertThat(images.get("faceset_prune/faces/p2.png").status()).isEqualTo("flagged");
        assertThat(images.get("faceset_keep/faces/k3.png").status()).isEqualTo("flagged");
        assertThat(images.get("faceset_keep/faces/k3.png").near()).isFalse();
    }

    @Test
    void overridesChangeThePreviewAndArePersistedInThePlanOverridesFormat() throws Exception {
        String p1 = "faceset_prune/faces/p1.png";

        workspace.setImageOverride(corpus.scanId(), p1, Force.KEEP);
        PlanPreview preview = workspace.preview(corpus.scanId(), Thresholds.defaults());

        assertThat(preview.facesets()).filteredOn(f -> f.name().equals("faceset_prune"))
                .singleElement().satisfies(f -> assertThat(f.action()).isEqualTo("keep"));
        assertThat(preview.images().get(p1).force()).isEqualTo("keep");
        assertThat(preview.images().get(p1).status()).isEqualTo("flagged");
        assertThat(preview.images().get(p1).outcome()).isEqualTo("keep");
        assertThat(PlanJson.readOverrides(workspace.overridesFile(corpus.scanId())).images())
                .containsExactly(entry(p1, Force.KEEP));

        workspace.setFacesetOverride(corpus.scanId(), "faceset_masked", Force.KEEP);
        workspace.setImageOverride(corpus.scanId(), p1, null);
        Overrides saved = workspace.overrides(corpus.scanId());
        assertThat(saved.images()).isEmpty();
        assertThat(saved.facesets()).containsExactly(entry("faceset_masked", Force.KEEP));
        ContactSheet sheet = workspace.sheet(corpus.scanId(), Thresholds.defaults());
        assertThat(byName(sheet).get("faceset_masked").action()).isEqualTo("keep");
        assertThat(byName(sheet).get("faceset_masked").forcedKeep()).isTrue();
        assertThat(byName(sheet).get("faceset_prune").action()).isEqualTo("prune");
    }

    @Test
    void overridesOnUnknownItemsAreRefused() {
        assertThatThrownBy(() -> workspace.setImageOverride(corpus.scanId(), "nope/faces/x.png", Force.DROP))
                .isInstanceOf(ReviewException.class).hasMessageContaining("nope/faces/x.png")
                .extracting(e -> ((ReviewException) e).kind()).isEqualTo(ReviewException.Kind.NOT_FOUND);
        assertThatThrownBy(() -> workspace.setFacesetOverride(corpus.scanId(), "faceset_keep", Force.DROP))
                .isInstanceOf(ReviewException.class).hasMessageContaining("only keep")
                .extracting(e -> ((ReviewException) e).kind()).isEqualTo(ReviewException.Kind.BAD_REQUEST);
        assertThatThrownBy(() -> workspace.sheet("../../etc", Thresholds.defaults()))
                .isInstanceOf(ReviewException.class)
                .extracting(e -> ((ReviewException) e).kind()).isEqualTo(ReviewException.Kind.BAD_REQUEST);
        assertThatThrownBy(() -> workspace.sheet("20990101-000000-abcdef", Thresholds.defaults()))
                .isInstanceOf(ReviewException.class).hasMessageContaining("20990101-000000-abcdef")
                .extracting(e -> ((ReviewException) e).kind()).isEqualTo(ReviewException.Kind.NOT_FOUND);
    }

    @Test
    void createsAPlanFileInTheStateFolder() throws Exception {
        ReviewWorkspace.CreatedPlan created = workspace.createPlan(corpus.scanId(), Thresholds.defaults());

        assertThat(created.path()).isEqualTo(corpus.state().resolve("plans").resolve(created.id() + ".json"));
        Plan plan = PlanJson.read(created.path());
        assertThat(plan.scanId()).isEqualTo(corpus.scanId());
        assertThat(plan.root()).isEqualTo(corpus.root().toString());
        assertThat(plan.faceset("faceset_prune").drop()).containsExactly("faceset_prune/faces/p1.png");
        assertThat(created.problems()).isEmpty();
        // the inputs apply checks: the dropped image, and every file of the quarantined face sets
        assertThat(plan.inputs()).containsKeys("faceset_prune/faces/p1.png", "faceset_masked/faces/m3.png",
                "faceset_thin/faces/t5.png").doesNotContainKey("faceset_keep/faces/k1.png");
        assertThat(plan.inputs().get("faceset_prune/faces/p1.png").sha256())
                .isEqualTo(images(ofPlanOrPreview()).get("faceset_prune/faces/p1.png").sha256());
        assertThat(workspace.plan(created.id()).id()).isEqualTo(created.id());
        ContactSheet ofPlan = workspace.sheet(plan);
        assertThat(ofPlan.planId()).isEqualTo(created.id());
        assertThat(images(ofPlan).get("faceset_prune/faces/p1.png").outcome()).isEqualTo("drop");
    }

    @Test
    void aPlanRecordsTheOverrides() throws Exception {
        // one more drop in faceset_prune: 2 of 6 flagged (0.33 < 0.40) but only 4 survive (< 5): thin
        workspace.setImageOverride(corpus.scanId(), "faceset_prune/faces/p3.png", Force.DROP);

        Plan plan = PlanJson.read(workspace.createPlan(corpus.scanId(), Thresholds.defaults()).path());

        assertThat(plan.overrides().images()).containsExactly(entry("faceset_prune/faces/p3.png", Force.DROP));
        assertThat(plan.faceset("faceset_prune").action().json()).isEqualTo("quarantine_thin");
        assertThat(plan.faceset("faceset_prune").forced()).containsKey("faceset_prune/faces/p3.png");
        assertThat(images(workspace.sheet(plan)).get("faceset_prune/faces/p3.png").outcome()).isEqualTo("move");
    }

    @Test
    void thumbnailsAreMadeForImagesOfTheScanOnly() throws Exception {
        ContactSheet.Image p1 = images(workspace.sheet(corpus.scanId(), Thresholds.defaults()))
                .get("faceset_prune/faces/p1.png");

        Path thumb = workspace.thumbnail(corpus.scanId(), p1.sha256());

        assertThat(thumb).startsWith(corpus.state().resolve("thumbs").resolve("64"));
        assertThat(ImageIO.read(thumb.toFile()).getWidth()).isEqualTo(64);
        assertThatThrownBy(() -> workspace.thumbnail(corpus.scanId(), "ab".repeat(32)))
                .isInstanceOf(ReviewException.class).hasMessageContaining("no image with sha256");
    }

    @Test
    void pathsLeavingTheRootAreRefused() throws Exception {
        Path root = corpus.root();
        assertThatThrownBy(() -> ReviewWorkspace.corpusFile(root, "../outside.png"))
                .isInstanceOf(ReviewException.class)
                .hasMessageContaining("'..' part");
        assertThatThrownBy(() -> ReviewWorkspace.corpusFile(root, "/etc/passwd"))
                .isInstanceOf(ReviewException.class);
        Path outside = Files.writeString(dir.resolve("secret.png"), "x");
        Files.createSymbolicLink(root.resolve("faceset_keep/faces/link.png"), outside);
        assertThatThrownBy(() -> ReviewWorkspace.corpusFile(root, "faceset_keep/faces/link.png"))
                .isInstanceOf(ReviewException.class).hasMessageContaining("link");
        assertThat(ReviewWorkspace.corpusFile(root, "faceset_keep/faces/k1.png"))
                .isEqualTo(root.resolve("faceset_keep/faces/k1.png"));
    }

    private ContactSheet ofPlanOrPreview() {
        return workspace.sheet(corpus.scanId(), Thresholds.defaults());
    }

    static Map<String, ContactSheet.Faceset> byName(ContactSheet sheet) {
        return sheet.facesets().stream().collect(Collectors.toMap(ContactSheet.Faceset::name, Function.identity()));
    }

    static Map<String, ContactSheet.Image> images(ContactSheet sheet) {
        return sheet.facesets().stream().flatMap(f -> f.images().stream())
                .collect(Collectors.toMap(ContactSheet.Image::path, Function.identity()));
    }

    static List<String> paths(ContactSheet sheet) {
        return sheet.facesets().stream().flatMap(f -> f.images().stream()).map(ContactSheet.Image::path).toList();
    }
}
