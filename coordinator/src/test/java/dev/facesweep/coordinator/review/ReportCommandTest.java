package dev.facesweep.coordinator.review;

import static dev.facesweep.coordinator.review.ReviewCorpus.HOSTILE_FACESET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.facesweep.coordinator.cli.CliRunner;
import dev.facesweep.coordinator.plan.Action;
import dev.facesweep.coordinator.plan.FacesetPlan;
import dev.facesweep.coordinator.plan.Overrides;
import dev.facesweep.coordinator.plan.Plan;
import dev.facesweep.coordinator.plan.PlanJson;
import dev.facesweep.coordinator.plan.Thresholds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code facesweep report} in-process: the files it writes and what the HTML contains. */
class ReportCommandTest {

    @TempDir
    Path dir;

    private ReviewCorpus.Made corpus;

    @BeforeEach
    void setUp() throws Exception {
        corpus = ReviewCorpus.make(dir);
    }

    @Test
    void writesIndexAndThumbnailsForAScan() throws Exception {
        Path out = dir.resolve("report");

        CliRunner.Result run = CliRunner.run("report", corpus.scanId(), "--state", corpus.state().toString(),
                "--out", out.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("wrote " + out.resolve("index.html")).contains("5 face sets")
                .contains("20 images").contains("19 thumbnails");
        String html = Files.readString(out.resolve("index.html"));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<style>").doesNotContain("<link")
                .doesNotContain("http://").doesNotContain("https://");
        try (var thumbs = Files.list(out.resolve("thumbs"))) {
            List<Path> files = thumbs.toList();
            assertThat(files).hasSize(19);
            assertThat(ImageIO.read(files.get(0).toFile()).getWidth()).isEqualTo(Thumbnails.DEFAULT_SIZE);
        }
        // every <img> points at a thumbnail that exists, never at an original
        Matcher src = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        int images = 0;
        while (src.find()) {
            images++;
            assertThat(out.resolve(src.group(1))).isRegularFile();
            assertThat(src.group(1)).startsWith("thumbs/").endsWith(".jpg");
        }
        assertThat(images).isEqualTo(19);
        assertThat(section(html, "faceset_prune")).contains("data-action=\"prune\"").contains(">mask</b>")
                .contains("flagged <span data-role=\"fraction\">1/6 (17%)</span>");
        assertThat(figure(html, "faceset_prune/faces/p1.png")).contains("data-state=\"flagged\"")
                .contains("data-outcome=\"drop\"").contains("<td title=\"threshold 0.7\">0.910</td>");
        assertThat(figure(html, "faceset_prune/faces/p2.png")).contains("data-state=\"near\"");
        assertThat(section(html, "faceset_masked")).contains("data-action=\"quarantine_masked\"");
        assertThat(section(html, "faceset_thin")).contains("data-action=\"quarantine_thin\"");
        assertThat(section(html, "faceset_keep")).contains("data-action=\"keep\"");
    }

    @Test
    void escapesHostileNamesEverywhere() throws Exception {
        Path out = dir.resolve("report");

        CliRunner.Result run = CliRunner.run("report", "latest", "--state", corpus.state().toString(), "--out",
                out.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        String html = Files.readString(out.resolve("index.html"));
        assertThat(html).doesNotContain("<img src=x").doesNotContain("a\"&<>'")
                .contains("&lt;img src=x onerror=alert(1)&gt;")
                .contains("a&quot;&amp;&lt;&gt;&#39;.png");
        String hostile = section(html, Html.escape(HOSTILE_FACESET));
        assertThat(hostile).contains("data-action=\"keep\"").contains("data-state=\"unreadable\"")
                .contains(ReviewCorpus.UNREADABLE_ERROR);
    }

    @Test
    void scriptTagsInNamesCannotBreakOut() {
        ContactSheet.Image image = new ContactSheet.Image("<script>alert(1)</script>/faces/</script>.png",
                "</script><script>alert(2)</script>.png", null, "unreadable", false, List.of(), List.of(), Map.of(),
                "<script>alert(3)</script>", null, "keep");
        ContactSheet sheet = new ContactSheet(new ContactSheet.ScanHeader("s1", "/r<script>", "m", "h", "finished"),
                null, List.of(), Thresholds.defaults(), Map.of("keep", 1), Map.of(), List.of(
                        new ContactSheet.Faceset("<script>alert(1)</script>", "keep", null, 0, 0, 0, false,
                                List.of(image))), List.of("<script>alert(4)</script>"));

        String html = ReportWriter.html(sheet, new ReportWriter.Previews() {
            @Override
            public String thumbnail(ContactSheet.Image i) {
                return null;
            }

            @Override
            public String problem(ContactSheet.Image i) {
                return "<script>alert(5)</script>";
            }
        }, 128);

        assertThat(html).doesNotContain("<script>alert").doesNotContain("</script><script>");
        assertThat(Pattern.compile("<script>").matcher(html).results().count()).isEqualTo(1);
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    @Test
    void showsASavedPlan() throws Exception {
        Plan plan = new Plan("plan-1", corpus.scanId(), corpus.root().toString(), Instant.parse(
                "2025-03-01T10:00:00Z"), ReviewCorpus.MODEL, ReviewCorpus.PROMPT_HASH, Thresholds.defaults(),
                Overrides.none(), List.of(new FacesetPlan("faceset_keep", Action.PRUNE, "mask", 1.0 / 3, 3, 1,
                        Map.of("mask", 1), List.of("faceset_keep/faces/k2.png"), List.of(), List.of(), List.of(),
                        Map.of())), Map.of());
        Path planFile = dir.resolve("plan.json");
        PlanJson.write(plan, planFile);
        Path out = dir.resolve("report");

        CliRunner.Result run = CliRunner.run("report", planFile.toString(), "--state", corpus.state().toString(),
                "--out", out.toString(), "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("\"plan\":\"plan-1\"").contains("\"facesets\":1").contains("\"images\":3");
        assertThat(run.err()).contains("face set faceset_prune is in scan").contains("not in plan plan-1");
        String html = Files.readString(out.resolve("index.html"));
        // the plan's decision is shown as saved, not recomputed
        assertThat(section(html, "faceset_keep")).contains("data-action=\"prune\"");
        assertThat(figure(html, "faceset_keep/faces/k2.png")).contains("data-outcome=\"drop\"")
                .contains("data-state=\"ok\"");
        assertThat(html).contains("id=\"plan-id\">plan-1<");
    }

    @Test
    void badInputIsAUsageError() {
        CliRunner.Result noState = CliRunner.run("report", "latest", "--state", dir.resolve("none").toString(),
                "--out", dir.resolve("o").toString());
        CliRunner.Result noScan = CliRunner.run("report", "20990101-000000-abcdef", "--state",
                corpus.state().toString(), "--out", dir.resolve("o").toString());
        CliRunner.Result noPlan = CliRunner.run("report", dir.resolve("missing.json").toString(), "--state",
                corpus.state().toString(), "--out", dir.resolve("o").toString());

        assertThat(noState.exit()).isEqualTo(2);
        assertThat(noState.err()).contains("no scans in").hasLineCount(1);
        assertThat(noScan.exit()).isEqualTo(2);
        assertThat(noScan.err()).contains("no scan '20990101-000000-abcdef'");
        assertThat(noPlan.exit()).isEqualTo(2);
        assertThat(noPlan.err()).contains("missing.json does not exist");
    }

    @Test
    void aThumbnailThatCannotBeMadeIsReportedAndExitsThree() throws Exception {
        Files.delete(corpus.root().resolve("faceset_keep/faces/k1.png"));
        Path out = dir.resolve("report");

        CliRunner.Result run = CliRunner.run("report", corpus.scanId(), "--state", corpus.state().toString(),
                "--out", out.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(3);
        assertThat(run.err()).contains("faceset_keep/faces/k1.png: no thumbnail:").contains("no such file");
        assertThat(figure(Files.readString(out.resolve("index.html")), "faceset_keep/faces/k1.png"))
                .contains("class=\"no-thumb\"").contains("no such file");
    }

    /** The HTML of one face set's section. */
    static String section(String html, String escapedName) {
        int start = html.indexOf("<section class=\"faceset\" data-faceset=\"" + escapedName + "\"");
        assertThat(start).as("section of %s", escapedName).isNotNegative();
        return html.substring(start, html.indexOf("</section>", start));
    }

    /** The HTML of one image's figure. */
    static String figure(String html, String path) {
        int start = html.indexOf("<figure class=\"image\" data-path=\"" + Html.escape(path) + "\"");
        assertThat(start).as("figure of %s", path).isNotNegative();
        return html.substring(start, html.indexOf("</figure>", start));
    }
}
