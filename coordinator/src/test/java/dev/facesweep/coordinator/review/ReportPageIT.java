package dev.facesweep.coordinator.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facesweep.coordinator.cli.CliRunner;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.NoAlertPresentException;

/** The static report opened from disk (file://) in headless Chromium: no server involved. */
@Timeout(120)
class ReportPageIT {

    @TempDir
    Path dir;

    @Test
    void reportOpensFromDiskWithEveryFacesetImageAndBadge() throws Exception {
        ReviewCorpus.Made corpus = ReviewCorpus.make(dir);
        Path out = dir.resolve("report");
        CliRunner.Result run = CliRunner.run("report", corpus.scanId(), "--state", corpus.state().toString(),
                "--out", out.toString());
        assertThat(run.exit()).as(run.toString()).isZero();

        try (Chromium browser = Chromium.start()) {
            browser.open(out.resolve("index.html").toUri().toString());

            assertThat(browser.driver().getTitle()).isEqualTo("facesweep contact sheet: scan " + corpus.scanId());
            assertThat(browser.facesetActions()).isEqualTo(ReviewCorpus.expectedActions());
            assertThat(browser.imageStates()).isEqualTo(ReviewCorpus.expectedStates());
            assertThat(browser.loadedImages()).isEqualTo(19);
            assertThat(browser.figure("faceset_prune/faces/p1.png").getAttribute("data-outcome")).isEqualTo("drop");
            assertThat(browser.figure("faceset_masked/faces/m3.png").getAttribute("data-outcome")).isEqualTo("move");
            assertThat(browser.section("faceset_prune").getText()).contains("driver mask").contains("1/6 (17%)");
            // the hostile names are text, not markup: no injected element, no alert
            assertThat(browser.all("img[src='x']")).isEmpty();
            assertThat(browser.section(ReviewCorpus.HOSTILE_FACESET).getText())
                    .contains(ReviewCorpus.HOSTILE_FACESET).contains(ReviewCorpus.HOSTILE_FILE)
                    .contains(ReviewCorpus.UNREADABLE_ERROR);
            assertThatThrownBy(() -> browser.driver().switchTo().alert()).isInstanceOf(NoAlertPresentException.class);

            // the filter hides plain ok images and kept face sets
            browser.one("[data-filter=attention]").click();
            assertThat(browser.figure("faceset_prune/faces/p3.png").isDisplayed()).isFalse();
            assertThat(browser.figure("faceset_prune/faces/p1.png").isDisplayed()).isTrue();
            assertThat(browser.section("faceset_keep").isDisplayed()).isFalse();
            browser.screenshot(Path.of("target", "review-report.png"));
        }
    }
}
