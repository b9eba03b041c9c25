package dev.facesweep.coordinator.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facesweep.coordinator.cli.UsageError;
import dev.facesweep.coordinator.dispatch.EmbeddedDispatcher;
import dev.facesweep.coordinator.dispatch.WorkerStatus;
import dev.facesweep.coordinator.results.FakeHandler;
import dev.facesweep.coordinator.results.PromptScoring;
import dev.facesweep.coordinator.results.ResultRecorder;
import dev.facesweep.coordinator.results.TestScoring;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.coordinator.testing.SettableClock;
import dev.facesweep.corpus.ContentHash;
import dev.facesweep.corpus.CorpusWalk;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan's metrics as Prometheus reads them: the per-scan gauges from the store ({@link ScanGauges}), the scan
 * process's counters and the fleet from heartbeats ({@link ScanMetrics}); expected values come from the corpus the
 * test made and from the scoring's closed form, not from the store.
 */
@Timeout(60)
class ScanMetricsTest {

    private static final Instant START = Instant.parse("2025-03-01T10:00:00Z");
    private static final int IMAGES = 30;
    private static final int BATCH = 4;

    @TempDir
    Path tmp;

    private final SettableClock clock = new SettableClock(START);
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private ScanStore store;
    private Path root;
    private final List<String> shas = new ArrayList<>();

    @BeforeEach
    void corpus() throws Exception {
        store = ScanStore.sqlite(tmp.resolve("state"), clock);
        root = tmp.resolve("corpus");
        for (int i = 0; i < IMAGES; i++) {
            String content = "image " + i;
            Path file = root.resolve("set_" + (i % 3) + "/faces/img_" + String.format("%02d", i) + ".png");
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            shas.add(ContentHash.sha256(content.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @AfterEach
    void close() {
        store.close();
        registry.close();
    }

    private String scrape() {
        return registry.scrape();
    }

    private ScanOutcome scan(FakeHandler handler, ScanMonitorFactory monitors) throws Exception {
        PromptScoring scoring = TestScoring.maskAlongX();
        ScanSetup.Opened opened = ScanSetup.openOrResume(store, root.toAbsolutePath().normalize(), scoring,
                PromptSetJson.write(scoring.promptSet()));
        ScanSettings settings = ScanSettings.defaults().withBatchSize(BATCH).withStageChunk(7)
                .withTick(Duration.ofMillis(20)).withNoWorkerHint(null);
        try (Staging staging = new Staging(CorpusWalk.open(root), opened.known(), 2, 16);
                EmbeddedDispatcher dispatcher = new EmbeddedDispatcher(handler, 3)) {
            return new ScanRun(store, dispatcher, new ResultRecorder(store, scoring), settings, clock,
                    monitors.monitor(opened.scan().id())).run(opened.scan(), staging, opened.resumed());
        }
    }

    private interface ScanMonitorFactory {
        ScanMonitor monitor(String scanId);
    }

    @Test
    void gaugesShowTheFinishedScanAndCountersCountWhatTheLoopDid() throws Exception {
        FakeHandler handler = new FakeHandler("embedded@test");
        handler.poison.add(shas.get(13));
        ScanOutcome outcome = scan(handler, id -> new ScanMetrics(registry, id, ScanMonitor.SILENT));
        String id = outcome.scanId();
        try (ScanGauges gauges = new ScanGauges(registry, store, clock, ScanGauges.only(id), Duration.ofSeconds(30))) {
            gauges.refresh(true);
        }
        String text = scrape();

        // the poisoned batch was split after its three attempts: its neighbours were scored one per batch and
        // only the poisoned image, parked alone after three more, failed
        int splitImages = handler.batches.stream().filter(b -> b.images().stream()
                .anyMatch(i -> i.id().equals(shas.get(13)))).findFirst().orElseThrow().images().size();
        assertThat(splitImages).isGreaterThan(1);
        int parkedImages = 1;
        int scored = IMAGES - parkedImages;
        long flagged = flaggedFromFirstPrinciples();
        assertThat(flagged).as("the corpus has flagged images, or the flagged gauge is not tested").isPositive();
        assertThat(text)
                .contains("facesweep_scan_images{scan=\"" + id + "\",state=\"scored\"} " + scored + ".0")
                .contains("facesweep_scan_images{scan=\"" + id + "\",state=\"failed\"} " + parkedImages + ".0")
                .contains("facesweep_scan_images{scan=\"" + id + "\",state=\"staged\"} 0.0")
                .contains("facesweep_scan_images{scan=\"" + id + "\",state=\"in_flight\"} 0.0")
                .contains("facesweep_scan_images{scan=\"" + id + "\",state=\"reused\"} 0.0")
                .contains("facesweep_scan_remaining_images{scan=\"" + id + "\"} 0.0")
                .contains("facesweep_scan_parked_batches{scan=\"" + id + "\"} 1.0")
                .contains("facesweep_scan_eta_seconds{scan=\"" + id + "\"} 0.0")
                .contains("facesweep_scan_running{scan=\"" + id + "\"} 0.0")
                .contains("facesweep_scan_images_per_second{scan=\"" + id + "\"} 0.0")
                .contains("facesweep_scan_worker_images{outcome=\"scored\",scan=\"" + id
                        + "\",worker=\"embedded@test\"} " + scored + ".0")
                .contains("facesweep_scan_flagged_images{scan=\"" + id + "\"} " + flagged + ".0");

        int batches = (int) Math.ceil(IMAGES / (double) BATCH);
        // every batch answered once, except the poisoned one, which was split (no result) after three attempts
        // into one-image batches, all answered but the poisoned image's, parked after three more
        assertThat(text)
                .contains("facesweep_scan_results_received_total{scan=\"" + id + "\"} "
                        + (batches - 1 + splitImages - 1) + ".0")
                .contains("facesweep_scan_batches_published_total{scan=\"" + id + "\"} "
                        + (batches + splitImages) + ".0")
                .contains("facesweep_scan_duplicates_ignored_total{scan=\"" + id + "\"} 0.0")
                .contains("facesweep_scan_results_rejected_total{scan=\"" + id + "\"} 0.0")
                .contains("facesweep_scan_batches_redispatched_total{scan=\"" + id + "\"} 0.0");
    }

    /** Images whose mask probability, from the closed form of {@link TestScoring#maskAlongX()}, is at least 0.7. */
    private long flaggedFromFirstPrinciples() {
        String poisoned = shas.get(13);
        return shas.stream().filter(s -> !s.equals(poisoned))
                .filter(s -> TestScoring.expectedAlongX(TestScoring.embeddingOf(s)) >= 0.7).count();
    }

    @Test
    void aRunningScanHasRemainingImagesAndAFinishedOneLeavesAfterTheRetention() throws Exception {
        FakeHandler handler = new FakeHandler("embedded@test");
        ScanOutcome outcome = scan(handler, id -> ScanMonitor.SILENT);
        ScanGauges gauges = new ScanGauges(registry, store, clock, ScanGauges.recent(Duration.ofHours(1)),
                Duration.ofSeconds(30));
        gauges.refresh();
        assertThat(scrape()).contains("facesweep_scan_running{scan=\"" + outcome.scanId() + "\"} 0.0");

        PromptScoring scoring = TestScoring.maskAlongX();
        Files.writeString(root.resolve("set_0/faces/new.png"), "a new image");
        clock.advance(Duration.ofMinutes(61));
        ScanSetup.Opened second = ScanSetup.openOrResume(store, root.toAbsolutePath().normalize(), scoring,
                PromptSetJson.write(scoring.promptSet()));
        try (Staging staging = new Staging(CorpusWalk.open(root), second.known(), 2, 16)) {
            store.stage(second.scan().id(), staging.next(100).iterator());
        }
        store.reuseKnownResults(second.scan().id());
        gauges.refresh();

        String text = scrape();
        String id = second.scan().id();
        assertThat(text).doesNotContain("scan=\"" + outcome.scanId() + "\"")
                .contains("facesweep_scan_running{scan=\"" + id + "\"} 1.0")
                .contains("facesweep_scan_images{scan=\"" + id + "\",state=\"reused\"} " + IMAGES + ".0")
                .contains("facesweep_scan_images{scan=\"" + id + "\",state=\"staged\"} 1.0")
                .contains("facesweep_scan_remaining_images{scan=\"" + id + "\"} 1.0")
                // nothing answered in the last minute: the ETA is unknown
                .contains("facesweep_scan_eta_seconds{scan=\"" + id + "\"} NaN");
        gauges.close();
    }

    @Test
    void heartbeatsBecomeFleetGauges() {
        ScanMetrics metrics = new ScanMetrics(registry, "s1", ScanMonitor.SILENT);
        metrics.progress(null, List.of(
                new WorkerStatus("gpu-box", "vega", "CPU", "DirectML", "AMD Radeon RX Vega", "m@1", 1.5, 16, 2,
                        START, true),
                new WorkerStatus("old-box", "old", "CPU", "CPU", "cpu", "m@1", 3.0, 8, 1, START, false)));
        assertThat(scrape())
                .contains("facesweep_fleet_worker_images_per_second{configured_provider=\"DirectML\","
                        + "device=\"AMD Radeon RX Vega\",host=\"vega\",model=\"m@1\",provider=\"CPU\","
                        + "worker=\"gpu-box\"} 1.5")
                .contains("facesweep_fleet_worker_live{worker=\"gpu-box\"} 1.0")
                .contains("facesweep_fleet_worker_live{worker=\"old-box\"} 0.0")
                .contains("facesweep_fleet_worker_batches_in_flight{worker=\"gpu-box\"} 2.0")
                .contains("facesweep_fleet_worker_batches_in_flight{worker=\"old-box\"} 0.0");

        metrics.progress(null, List.of());
        assertThat(scrape()).doesNotContain("facesweep_fleet_worker_live{");
    }

    @Test
    void theMetricsPortOption() {
        assertThat(ScanMetricsEndpoint.Option.parse("off", true, "0.0.0.0").port()).isEqualTo(-1);
        assertThat(ScanMetricsEndpoint.Option.parse("0", true, "0.0.0.0").port()).isZero();
        assertThat(ScanMetricsEndpoint.Option.parse(" 9464 ", false, "0.0.0.0").port()).isEqualTo(9464);
        assertThatThrownBy(() -> ScanMetricsEndpoint.Option.parse("65536", true, "0.0.0.0"))
                .isInstanceOf(UsageError.class)
                .hasMessage("--metrics-port must be a port number (0 picks a free one) or off, not '65536'");
        assertThatThrownBy(() -> ScanMetricsEndpoint.Option.parse("on", true, "0.0.0.0"))
                .isInstanceOf(UsageError.class);
    }

    @Test
    void aBusyDefaultPortIsANoteAndABusyExplicitPortAUsageError() throws Exception {
        List<String> notes = new ArrayList<>();
        try (ScanMetricsEndpoint first = ScanMetricsEndpoint.open(
                ScanMetricsEndpoint.Option.parse("0", true, "127.0.0.1"), notes::add)) {
            int busy = first.port();
            assertThat(notes).containsExactly("metrics for Prometheus at http://127.0.0.1:" + busy + "/metrics");
            notes.clear();
            try (ScanMetricsEndpoint second = ScanMetricsEndpoint.open(
                    ScanMetricsEndpoint.Option.parse("" + busy, false, "127.0.0.1"), notes::add)) {
                assertThat(second.port()).isEqualTo(-1);
            }
            assertThat(notes).singleElement().asString().startsWith("no /metrics for this scan: cannot listen on"
                    + " 127.0.0.1:" + busy);
            assertThatThrownBy(() -> ScanMetricsEndpoint.open(
                    ScanMetricsEndpoint.Option.parse("" + busy, true, "127.0.0.1"), notes::add))
                    .isInstanceOf(UsageError.class).hasMessageStartingWith("--metrics-port: cannot listen on 127.0.0.1:"
                            + busy);
        }
    }
}
