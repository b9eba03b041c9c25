package dev.facesweep.coordinator.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facesweep.coordinator.review.Chromium;
import dev.facesweep.coordinator.review.ReviewCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The live review page in headless Chromium against {@code facesweep serve} on a random port: it shows the test
 * corpus with the right badges, overrides change the plan preview, and apply happens only after the typed
 * confirmation.
 */
@Timeout(180)
class ReviewPageIT {

    /** Plan files the applier was called with (the recording applier below). */
    static final List<Path> APPLIED = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    private ReviewCorpus.Made corpus;
    private ReviewServer server;
    private Chromium browser;

    @Configuration(proxyBeanMethods = false)
    static class RecordingApply {
        @Bean
        @org.springframework.context.annotation.Primary
        PlanApplier recordingApplier() {
            return planFile -> {
                APPLIED.add(planFile);
                return Map.of("apply", "test-apply-1");
            };
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        APPLIED.clear();
        corpus = ReviewCorpus.make(dir);
        server = ReviewServer.start(Map.of("server.port", 0, "facesweep.serve.state", corpus.state().toString()),
                RecordingApply.class);
        browser = Chromium.start();
        browser.open(server.url());
        browser.await("the page loaded the scan", d -> "ready".equals(body("state")));
    }

    @AfterEach
    void tearDown() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void showsEveryFacesetAndImageWithTheRightBadges() throws Exception {
        assertThat(browser.facesetActions()).isEqualTo(ReviewCorpus.expectedActions());
        assertThat(browser.imageStates()).isEqualTo(ReviewCorpus.expectedStates());
        assertThat(count("keep")).isEqualTo("2");
        assertThat(count("prune")).isEqualTo("1");
        assertThat(count("quarantine_masked")).isEqualTo("1");
        assertThat(count("quarantine_thin")).isEqualTo("1");
        assertThat(browser.loadedImages()).isEqualTo(19);
        WebElement p1 = browser.figure("faceset_prune/faces/p1.png");
        assertThat(p1.getAttribute("data-outcome")).isEqualTo("drop");
        assertThat(p1.getText()).contains("flagged").contains("will be dropped").contains("0.910");
        assertThat(browser.figure("faceset_keep/faces/k3.png").getText()).contains("near");
        assertThat(browser.section("faceset_thin").getText()).contains("driver sunglasses");
        assertThat(forcedKeepBadge("faceset_keep").isDisplayed()).isFalse();
        assertThat(browser.section(ReviewCorpus.HOSTILE_FACESET).getText())
                .contains(ReviewCorpus.HOSTILE_FACESET).contains(ReviewCorpus.HOSTILE_FILE)
                .contains(ReviewCorpus.UNREADABLE_ERROR);
        assertThat(browser.all("img[src='x']")).isEmpty();
        assertThatThrownBy(() -> browser.driver().switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        browser.script("window.scrollTo(0, 0)");
        browser.screenshot(Path.of("target", "review-page.png"));
    }

    @Test
    void overridesAndThresholdsChangeThePlanPreview() {
        WebElement p1 = browser.figure("faceset_prune/faces/p1.png");
        String version = body("previewVersion");

        p1.findElement(org.openqa.selenium.By.cssSelector("[data-force-button=keep]")).click();

        awaitPreviewAfter(version);
        assertThat(browser.section("faceset_prune").getAttribute("data-action")).isEqualTo("keep");
        assertThat(count("keep")).isEqualTo("3");
        assertThat(p1.getAttribute("data-force")).isEqualTo("keep");
        assertThat(p1.getAttribute("data-outcome")).isEqualTo("keep");
        assertThat(p1.getText()).contains("forced keep");

        // the whole face set forced to keep
        version = body("previewVersion");
        browser.section("faceset_masked").findElement(org.openqa.selenium.By.cssSelector("button.faceset-keep"))
                .click();
        awaitPreviewAfter(version);
        assertThat(browser.section("faceset_masked").getAttribute("data-action")).isEqualTo("keep");
        assertThat(browser.figure("faceset_masked/faces/m1.png").getAttribute("data-outcome")).isEqualTo("keep");
        assertThat(forcedKeepBadge("faceset_masked").isDisplayed()).isTrue();
        assertThat(forcedKeepBadge("faceset_thin").isDisplayed()).isFalse();

        // a stricter image threshold flags nothing: every face set is kept
        version = body("previewVersion");
        WebElement threshold = browser.one("#image-threshold");
        threshold.clear();
        threshold.sendKeys("0.99");
        awaitPreviewAfter(version);
        assertThat(browser.facesetActions().values()).containsOnly("keep");
        assertThat(browser.figure("faceset_prune/faces/p1.png").getAttribute("data-state")).isEqualTo("ok");
    }

    @Test
    void applyHappensOnlyAfterTheTypedConfirmation() throws Exception {
        assertThat(browser.one("#apply-open").isEnabled()).isFalse();
        browser.one("#create-plan").click();
        String planId = browser.await("the plan was created", d -> body("plan"));
        assertThat(corpus.state().resolve("plans").resolve(planId + ".json")).isRegularFile();

        browser.one("#apply-open").click();
        WebElement dialog = browser.one("#apply-dialog");
        browser.await("the dialog opened", d -> dialog.getAttribute("open") != null);
        assertThat(dialog.getText()).contains(planId);

        browser.one("#apply-confirm-button").click();
        browser.await("an error for the missing confirmation", d -> !browser.one("#apply-error").getText()
                .isEmpty());
        assertThat(browser.one("#apply-error").getText()).contains("apply needs confirmation")
                .contains("nothing was applied");

        browser.one("#apply-confirm").sendKeys("not-the-id");
        browser.script("document.getElementById('apply-error').textContent = ''");
        browser.one("#apply-confirm-button").click();
        browser.await("an error for the wrong confirmation", d -> !browser.one("#apply-error").getText()
                .isEmpty());
        assertThat(APPLIED).isEmpty();

        browser.one("#apply-cancel").click();
        browser.await("the dialog closed", d -> dialog.getAttribute("open") == null);
        assertThat(APPLIED).isEmpty();

        browser.one("#apply-open").click();
        browser.await("the dialog opened again", d -> dialog.getAttribute("open") != null);
        browser.one("#apply-confirm").sendKeys(planId);
        browser.one("#apply-confirm-button").click();
        browser.await("the apply result", d -> browser.one("#apply-result").getText().contains("test-apply-1"));
        assertThat(APPLIED).containsExactly(corpus.state().resolve("plans").resolve(planId + ".json"));
        assertThat(Files.isRegularFile(APPLIED.get(0))).isTrue();
    }

    private WebElement forcedKeepBadge(String faceset) {
        return browser.section(faceset).findElement(org.openqa.selenium.By.cssSelector("[data-role=forced-keep]"));
    }

    private void awaitPreviewAfter(String version) {
        browser.await("the plan preview updated", d -> !version.equals(body("previewVersion"))
                && "ready".equals(body("state")));
    }

    private String body(String dataKey) {
        return (String) browser.script("return document.body.dataset[arguments[0]] || null", dataKey);
    }

    private String count(String action) {
        return browser.one("[data-count=" + action + "] .n").getText();
    }
}
