package dev.facesweep.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facesweep.coordinator.testing.SettableClock;
import dev.facesweep.protocol.ImageResult;
import dev.facesweep.protocol.ResultMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scan store's behaviour, run against every database it supports (SQLite in {@code SqliteScanStoreTest},
 * PostgreSQL in {@code PostgresScanStoreIT}).
 */
abstract class ScanStoreContract {

    static final String MODEL = "ViT-L-14/dfn2b_s39b";
    static final String PROMPTS = "prompts-v1";
    static final Instant START = Instant.parse("2025-03-01T10:00:00Z");

    protected final SettableClock clock = new SettableClock(START);
    protected ScanStore store;

    /** A store on an empty database. */
    protected abstract ScanStore openEmptyStore();

    /** A new store on the same database, as a later process would open it. */
    protected abstract ScanStore reopen();

    /** Makes the database refuse (with an error) to insert an embedding of this content, e.g. with a trigger. */
    protected abstract void rejectEmbeddingInserts(String sha256);

    @BeforeEach
    void openStore() {
        store = openEmptyStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    // ---------------------------------------------------------------- scans

    @Test
    void scansAreCreatedFoundAndFinished() {
        ScanInfo first = store.createScan("/corpus/a", MODEL, PROMPTS, "{\"mask\":[\"a face with a mask\"]}");
        clock.advance(Duration.ofMinutes(1));
        ScanInfo second = store.createScan("/corpus/b", MODEL, PROMPTS, "{}");

        assertThat(store.scan(first.id())).contains(first);
        assertThat(first.state()).isEqualTo(ScanState.RUNNING);
        assertThat(first.createdAt()).isEqualTo(START);
        assertThat(first.promptSetJson()).isEqualTo("{\"mask\":[\"a face with a mask\"]}");
        assertThat(first.id()).startsWith("20250301-100000-");
        assertThat(store.latestScan()).contains(second);
        assertThat(store.latestScan("/corpus/a")).contains(first);
        assertThat(store.latestScan("/corpus/none")).isEmpty();
        assertThat(store.scans()).containsExactly(second, first);

        clock.advance(Duration.ofMinutes(5));
        store.finishScan(first.id());

        ScanInfo finished = store.scan(first.id()).orElseThrow();
        assertThat(finished.state()).isEqualTo(ScanState.FINISHED);
        assertThat(finished.finishedAt()).isEqualTo(START.plus(Duration.ofMinutes(6)));
    }

    @Test
    void unknownScanIsAOneLineError() {
        assertThatThrownBy(() -> store.counts("nope"))
                .isInstanceOf(StoreException.class)
                .hasMessage("no scan nope in the store; list the scans to pick an existing id");
    }

    // ---------------------------------------------------------------- staging

    @Test
    void stagingCountsNewFailedAndAlreadyStagedPaths() {
        String scan = newScan();
        List<StagedImage> images = List.of(
                image("fs1/faces/a.png", 1), image("fs1/faces/b.png", 2),
                StagedImage.unreadable("fs1/faces/c.png", "fs1", 10, "permission denied"),
                image("fs2/faces/a.png", 3));

        StageSummary first = store.stage(scan, images.iterator());
        StageSummary again = store.stage(scan, images.iterator());

        assertThat(first).isEqualTo(new StageSummary(3, 1, 0));
        assertThat(again).isEqualTo(new StageSummary(0, 0, 4));
        ScanCounts counts = store.counts(scan);
        assertThat(counts.total()).isEqualTo(4);
        assertThat(counts.staged()).isEqualTo(3);
        assertThat(counts.failed()).isEqualTo(1);
        assertThat(counts.remaining()).isEqualTo(3);
        assertThat(store.failures(scan, 10)).containsExactly(
                new ImageFailure("fs1/faces/c.png", "fs1", null, "permission denied", null));
    }

    @Test
    void knownHashNeedsSameSizeAndModificationTime() {
        String scan = newScan();
        store.stage(scan, List.of(StagedImage.hashed("fs/faces/a.png", "fs", sha(1), 100, 5000)).iterator());

        assertThat(store.knownSha256(scan, "fs/faces/a.png", 100, 5000)).contains(sha(1));
        assertThat(store.knownSha256(scan, "fs/faces/a.png", 101, 5000)).isEmpty();
        assertThat(store.knownSha256(scan, "fs/faces/a.png", 100, 5001)).isEmpty();
        assertThat(store.knownSha256(scan, "fs/faces/b.png", 100, 5000)).isEmpty();
    }

    // ---------------------------------------------------------------- claiming

    @Test
    void claimTakesDistinctContentsInStagingOrderAndCarriesDuplicatePaths() {
        String scan = newScan();
        store.stage(scan, List.of(image("fs/faces/c.png", 3), image("fs/faces/a.png", 1),
                image("copy/faces/a.png", 1), image("fs/faces/b.png", 2), image("fs/faces/d.png", 4)).iterator());

        ClaimedBatch batch = store.claimBatch(scan, 3).orElseThrow();

        assertThat(batch.images()).containsExactly(
                new ClaimedBatch.Image(sha(3), "fs/faces/c.png"),
                new ClaimedBatch.Image(sha(1), "fs/faces/a.png"),
                new ClaimedBatch.Image(sha(2), "fs/faces/b.png"));
        assertThat(batch.attempt()).isEqualTo(1);
        assertThat(batch.modelId()).isEqualTo(MODEL);
        assertThat(batch.promptHash()).isEqualTo(PROMPTS);
        ScanCounts counts = store.counts(scan);
        assertThat(counts.inFlight()).as("the copy of a.png rides along").isEqualTo(4);
        assertThat(counts.staged()).isEqualTo(1);
        assertThat(counts.pendingBatches()).isEqualTo(1);
        assertThat(store.batch(batch.batchId()).orElseThrow().state()).isEqualTo(BatchState.PENDING);

        ClaimedBatch rest = store.claimBatch(scan, 3).orElseThrow();
        assertThat(rest.images()).containsExactly(new ClaimedBatch.Image(sha(4), "fs/faces/d.png"));
        assertThat(store.claimBatch(scan, 3)).isEmpty();
    }

    @Test
    void publishingMovesTheBatchInFlightAndCountsAttempts() {
        String scan = stagedScan(2);
        ClaimedBatch batch = store.claimBatch(scan, 10).orElseThrow();
        clock.advance(Duration.ofSeconds(3));

        assertThat(store.markPublished(batch.batchId())).isTrue();

        BatchInfo info = store.batch(batch.batchId()).orElseThrow();
        assertThat(info.state()).isEqualTo(BatchState.IN_FLIGHT);
        assertThat(info.attempts()).isEqualTo(1);
        assertThat(info.imageCount()).isEqualTo(2);
        assertThat(info.createdAt()).isEqualTo(START);
        assertThat(info.dispatchedAt()).isEqualTo(START.plusSeconds(3));
        assertThat(store.batches(scan, BatchState.IN_FLIGHT)).containsExactly(info);
        assertThat(store.counts(scan).inFlightBatches()).isEqualTo(1);
        assertThat(store.markPublished("no-such-batch")).isFalse();
    }

    @Test
    void releasedBatchReturnsItsImagesToStaged() {
        String scan = stagedScan(3);
        ClaimedBatch batch = store.claimBatch(scan, 2).orElseThrow();

        assertThat(store.releaseBatch(batch.batchId())).isEqualTo(2);

        assertThat(store.batch(batch.batchId())).isEmpty();
        assertThat(store.counts(scan).staged()).isEqualTo(3);
        assertThat(store.claimBatch(scan, 2).orElseThrow().images()).isEqualTo(batch.images());
    }

    @Test
    void severalBatchesAreClaimedAtOnceInStagingOrder() {
        String scan = newScan();
        List<StagedImage> images = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            images.add(image("fs/faces/" + i + ".png", i));
        }
        images.add(2, image("copy/faces/2.png", 2));
        store.stage(scan, images.iterator());

        List<ClaimedBatch> batches = store.claimBatches(scan, 3, 4);

        assertThat(batches).extracting(b -> b.images().stream().map(ClaimedBatch.Image::sha256).toList())
                .containsExactly(List.of(sha(1), sha(2), sha(3)), List.of(sha(4), sha(5), sha(6)),
                        List.of(sha(7), sha(8), sha(9)), List.of(sha(10)));
        assertThat(batches).extracting(ClaimedBatch::batchId).doesNotHaveDuplicates();
        assertThat(batches).allSatisfy(b -> assertThat(store.batch(b.batchId()).orElseThrow())
                .satisfies(info -> {
                    assertThat(info.state()).isEqualTo(BatchState.PENDING);
                    assertThat(info.imageCount()).isEqualTo(b.images().size());
                }));
        ScanCounts counts = store.counts(scan);
        assertThat(counts.inFlight()).as("the copy of 2.png rides along").isEqualTo(11);
        assertThat(counts.pendingBatches()).isEqualTo(4);
        assertThat(store.claimBatches(scan, 3, 4)).isEmpty();
    }

    @Test
    void claimingSeveralBatchesReusesStoredResultsInsteadOfClaimingThem() {
        String first = stagedScan(2);
        store.recordResults(result(claimAndPublish(first, 10), "vega-0", 0.7));
        String second = newScan();
        store.stage(second, List.of(image("fs/faces/1.png", 1), image("fs/faces/3.png", 3),
                image("fs/faces/2.png", 2), image("fs/faces/4.png", 4), image("fs/faces/5.png", 5)).iterator());

        List<ClaimedBatch> batches = store.claimBatches(second, 2, 5);

        assertThat(batches).extracting(b -> b.images().stream().map(ClaimedBatch.Image::sha256).toList())
                .containsExactly(List.of(sha(3), sha(4)), List.of(sha(5)));
        ScanCounts counts = store.counts(second);
        assertThat(counts.reused()).isEqualTo(2);
        assertThat(counts.inFlight()).isEqualTo(3);
        assertThat(counts.staged()).isZero();
    }

    @Test
    void imagesStagedAfterAClaimAndAfterReopeningAreClaimedInOrder() {
        String scan = stagedScan(3);
        assertThat(store.claimBatch(scan, 2).orElseThrow().images()).extracting(ClaimedBatch.Image::sha256)
                .containsExactly(sha(1), sha(2));
        store.stage(scan, List.of(image("fs/faces/4.png", 4)).iterator());
        store.close();
        store = reopen();
        store.stage(scan, List.of(image("fs/faces/5.png", 5)).iterator());

        ClaimedBatch rest = store.claimBatch(scan, 10).orElseThrow();

        assertThat(rest.images()).extracting(ClaimedBatch.Image::sha256).containsExactly(sha(3), sha(4), sha(5));
    }

    @Test
    void batchesClaimedForPublishingAreInFlightAtOnceAndCanBeReleased() {
        String scan = stagedScan(3);
        clock.advance(Duration.ofSeconds(2));

        List<ClaimedBatch> batches = store.claimBatchesForPublishing(scan, 2, 2);

        assertThat(batches).hasSize(2);
        BatchInfo info = store.batch(batches.get(0).batchId()).orElseThrow();
        assertThat(info.state()).isEqualTo(BatchState.IN_FLIGHT);
        assertThat(info.attempts()).isEqualTo(1);
        assertThat(info.dispatchedAt()).isEqualTo(START.plusSeconds(2));
        assertThat(batches.get(0).attempt()).isEqualTo(1);
        assertThat(store.counts(scan).inFlightBatches()).isEqualTo(2);
        assertThat(store.redispatch(batches.get(1).batchId()).orElseThrow().attempt()).isEqualTo(2);

        assertThat(store.releaseBatch(batches.get(1).batchId())).isEqualTo(1);
        assertThat(store.claimBatchesForPublishing(scan, 2, 2)).singleElement()
                .satisfies(b -> assertThat(b.images()).isEqualTo(batches.get(1).images()));
    }

    @Test
    void severalBatchesAreMarkedPublishedAtOnce() {
        String scan = stagedScan(5);
        List<ClaimedBatch> batches = store.claimBatches(scan, 2, 3);
        store.recordResults(result(batches.get(2), "vega-0", 0.5));
        clock.advance(Duration.ofSeconds(4));

        int marked = store.markPublished(List.of(batches.get(0).batchId(), batches.get(1).batchId(),
                batches.get(2).batchId(), "no-such-batch"));

        assertThat(marked).as("the answered batch and the unknown one are not").isEqualTo(2);
        for (ClaimedBatch batch : batches.subList(0, 2)) {
            BatchInfo info = store.batch(batch.batchId()).orElseThrow();
            assertThat(info.state()).isEqualTo(BatchState.IN_FLIGHT);
            assertThat(info.attempts()).isEqualTo(1);
            assertThat(info.dispatchedAt()).isEqualTo(START.plusSeconds(4));
        }
        assertThat(store.batch(batches.get(2).batchId()).orElseThrow().state()).isEqualTo(BatchState.DONE);
    }

    // ---------------------------------------------------------------- results

    @Test
    void resultsAreStoredAndImagesScored() {
        String scan = stagedScan(2);
        ClaimedBatch batch = claimAndPublish(scan, 10);
        clock.advance(Duration.ofSeconds(2));

        RecordSummary summary = store.recordResults(result(batch, "vega-0", 0.9));

        assertThat(summary).isEqualTo(new RecordSummary(batch.batchId(), RecordSummary.Status.RECORDED, 2, 0, 0, 0,
                ""));
        ScanCounts counts = store.counts(scan);
        assertThat(counts.scored()).isEqualTo(2);
        assertThat(counts.remaining()).isZero();
        assertThat(counts.doneBatches()).isEqualTo(1);
        BatchInfo info = store.batch(batch.batchId()).orElseThrow();
        assertThat(info.state()).isEqualTo(BatchState.DONE);
        assertThat(info.workerId()).isEqualTo("vega-0");
        assertThat(info.completedAt()).isEqualTo(START.plusSeconds(2));
        assertThat(store.result(sha(1), MODEL, PROMPTS)).contains(Map.of("mask", 0.9, "sunglasses", 0.1));
        assertThat(store.countsByWorker(scan)).containsExactly(new WorkerCounts("vega-0", 2, 0, 1));
    }

    @Test
    void sameResultTwiceChangesNothingAndIsReportedAsDuplicate() {
        String scan = stagedScan(3);
        ClaimedBatch batch = claimAndPublish(scan, 10);
        store.recordResults(result(batch, "vega-0", 0.9));
        ScanCounts before = store.counts(scan);
        List<ImageRecord> imagesBefore = images(scan);

        clock.advance(Duration.ofMinutes(1));
        RecordSummary again = store.recordResults(result(batch, "vega-0", 0.9));

        assertThat(again.status()).isEqualTo(RecordSummary.Status.LATE);
        assertThat(again.duplicates()).isEqualTo(3);
        assertThat(again.changedNothing()).isTrue();
        assertThat(store.counts(scan)).isEqualTo(before);
        assertThat(images(scan)).isEqualTo(imagesBefore);
        assertThat(store.batch(batch.batchId()).orElseThrow().completedAt()).isEqualTo(START);
    }

    @Test
    void lateResultAfterRedispatchIsIgnored() {
        String scan = stagedScan(2);
        ClaimedBatch first = claimAndPublish(scan, 10);
        clock.advance(Duration.ofMinutes(10));

        ClaimedBatch again = store.redispatch(first.batchId()).orElseThrow();
        assertThat(again.batchId()).isEqualTo(first.batchId());
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(again.images()).isEqualTo(first.images());
        store.markPublished(again.batchId());
        assertThat(store.batch(first.batchId()).orElseThrow().attempts()).isEqualTo(2);

        RecordSummary fast = store.recordResults(result(again, "vega-0", 0.9));
        RecordSummary slow = store.recordResults(result(first, "cpu-1", 0.2));

        assertThat(fast.status()).isEqualTo(RecordSummary.Status.RECORDED);
        assertThat(fast.scored()).isEqualTo(2);
        assertThat(slow.status()).isEqualTo(RecordSummary.Status.LATE);
        assertThat(slow.duplicates()).isEqualTo(2);
        assertThat(slow.changedNothing()).isTrue();
        assertThat(store.result(sha(1), MODEL, PROMPTS).orElseThrow()).containsEntry("mask", 0.9);
        assertThat(images(scan)).extracting(ImageRecord::workerId).containsOnly("vega-0");
        assertThat(store.countsByWorker(scan)).containsExactly(new WorkerCounts("vega-0", 2, 0, 1));
        assertThat(store.redispatch(first.batchId())).as("nothing outstanding").isEmpty();
    }

    @Test
    void perImageErrorsFailImagesAndMissingImagesAreFailedToo() {
        String scan = stagedScan(3);
        ClaimedBatch batch = claimAndPublish(scan, 10);
        ResultMessage message = new ResultMessage(scan, batch.batchId(), "cpu-1", MODEL, PROMPTS, List.of(
                ImageResult.scored(sha(1), embedding(1), scores(0.8)),
                ImageResult.failed(sha(2), "not a PNG: bad signature")),
                new ResultMessage.Timings(1, 2, 3));

        RecordSummary summary = store.recordResults(message);

        assertThat(summary).isEqualTo(new RecordSummary(batch.batchId(), RecordSummary.Status.RECORDED, 1, 1, 0, 1,
                ""));
        assertThat(store.failures(scan, 10)).containsExactly(
                new ImageFailure("fs/faces/2.png", "fs", sha(2), "not a PNG: bad signature", "cpu-1"),
                new ImageFailure("fs/faces/3.png", "fs", sha(3),
                        "worker cpu-1 returned no result for this image in batch " + batch.batchId(), "cpu-1"));
        assertThat(store.countsByWorker(scan)).containsExactly(new WorkerCounts("cpu-1", 1, 2, 1));
    }

    @Test
    void laterSuccessForAFailedImageScoresIt() {
        String scan = stagedScan(1);
        ClaimedBatch batch = claimAndPublish(scan, 10);
        store.recordResults(new ResultMessage(scan, batch.batchId(), "cpu-1", MODEL, PROMPTS,
                List.of(ImageResult.failed(sha(1), "out of memory")), new ResultMessage.Timings(0, 0, 0)));

        RecordSummary late = store.recordResults(result(batch, "vega-0", 0.4));

        assertThat(late.status()).isEqualTo(RecordSummary.Status.LATE);
        assertThat(late.scored()).isEqualTo(1);
        assertThat(store.counts(scan).failed()).isZero();
        assertThat(images(scan)).singleElement().satisfies(image -> {
            assertThat(image.state()).isEqualTo(ImageState.SCORED);
            assertThat(image.error()).isNull();
            assertThat(image.scores()).containsEntry("mask", 0.4);
        });
    }

    @Test
    void resultsRecordedTogetherAreStoredLikeOneByOneAndADuplicateInsideTheGroupChangesNothing() {
        String scan = stagedScan(5);
        List<ClaimedBatch> batches = store.claimBatches(scan, 2, 3);
        store.markPublished(batches.stream().map(ClaimedBatch::batchId).toList());
        clock.advance(Duration.ofSeconds(2));
        ResultMessage withError = new ResultMessage(scan, batches.get(2).batchId(), "cpu-1", MODEL, PROMPTS,
                List.of(ImageResult.failed(sha(5), "not a PNG")), new ResultMessage.Timings(0, 0, 0));

        List<RecordSummary> summaries = store.recordResults(List.of(result(batches.get(1), "vega-0", 0.6),
                result(batches.get(0), "vega-0", 0.9), withError, result(batches.get(1), "cpu-1", 0.2),
                new ResultMessage(scan, "nope", "w", MODEL, PROMPTS, List.of(), new ResultMessage.Timings(0, 0, 0))));

        assertThat(summaries).extracting(RecordSummary::batchId).containsExactly(batches.get(1).batchId(),
                batches.get(0).batchId(), batches.get(2).batchId(), batches.get(1).batchId(), "nope");
        assertThat(summaries).extracting(RecordSummary::status).containsExactly(RecordSummary.Status.RECORDED,
                RecordSummary.Status.RECORDED, RecordSummary.Status.RECORDED, RecordSummary.Status.LATE,
                RecordSummary.Status.UNKNOWN_BATCH);
        assertThat(summaries.get(0).scored()).isEqualTo(2);
        assertThat(summaries.get(2).failed()).isEqualTo(1);
        assertThat(summaries.get(3).duplicates()).isEqualTo(2);
        assertThat(summaries.get(3).changedNothing()).isTrue();
        ScanCounts counts = store.counts(scan);
        assertThat(counts.scored()).isEqualTo(4);
        assertThat(counts.failed()).isEqualTo(1);
        assertThat(counts.doneBatches()).isEqualTo(3);
        assertThat(store.result(sha(3), MODEL, PROMPTS).orElseThrow()).as("the first answer wins")
                .containsEntry("mask", 0.6);
        assertThat(store.batch(batches.get(1).batchId()).orElseThrow().workerId()).isEqualTo("vega-0");
        assertThat(store.countsByWorker(scan)).containsExactly(new WorkerCounts("cpu-1", 0, 1, 1),
                new WorkerCounts("vega-0", 4, 0, 2));
    }

    @Test
    void aGroupOfResultsIsOneTransaction() {
        String scan = stagedScan(2);
        ClaimedBatch batch = claimAndPublish(scan, 10);
        ScanCounts before = store.counts(scan);
        String poison = sha(99);
        rejectEmbeddingInserts(poison);
        ResultMessage failing = new ResultMessage(scan, batch.batchId(), "cpu-1", MODEL, PROMPTS, List.of(
                ImageResult.scored(poison, embedding(99), scores(0.5))), new ResultMessage.Timings(0, 0, 0));

        assertThatThrownBy(() -> store.recordResults(List.of(result(batch, "vega-0", 0.9), failing)))
                .isInstanceOf(StoreException.class);

        assertThat(store.counts(scan)).isEqualTo(before);
        assertThat(store.result(sha(1), MODEL, PROMPTS)).isEmpty();
    }

    @Test
    void answeredImagesAreCountedPerWorkerInATimeWindow() {
        String scan = stagedScan(5);
        List<ClaimedBatch> batches = store.claimBatches(scan, 2, 3);
        assertThat(store.firstAnsweredDispatch(scan)).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        store.markPublished(batches.stream().map(ClaimedBatch::batchId).toList());
        clock.advance(Duration.ofSeconds(9));
        store.recordResults(result(batches.get(0), "vega-0", 0.5));
        clock.advance(Duration.ofSeconds(10));
        store.recordResults(result(batches.get(1), "cpu-1", 0.5));
        clock.advance(Duration.ofSeconds(10));
        store.recordResults(result(batches.get(2), "vega-0", 0.5));

        assertThat(store.firstAnsweredDispatch(scan)).contains(START.plusSeconds(1));
        assertThat(store.answeredImages(scan, START, START.plusSeconds(30)))
                .isEqualTo(new AnsweredImages(5, Map.of("vega-0", 3L, "cpu-1", 2L)));
        assertThat(store.answeredImages(scan, START.plusSeconds(15), START.plusSeconds(30)))
                .isEqualTo(new AnsweredImages(3, Map.of("vega-0", 1L, "cpu-1", 2L)));
        assertThat(store.answeredImages(scan, START.plusSeconds(31), START.plusSeconds(40)))
                .isEqualTo(new AnsweredImages(0, Map.of()));
    }

    @Test
    void resultForUnknownBatchOrOtherModelChangesNothing() {
        String scan = stagedScan(1);
        ClaimedBatch batch = claimAndPublish(scan, 10);
        ScanCounts before = store.counts(scan);

        RecordSummary unknown = store.recordResults(new ResultMessage(scan, "nope", "w", MODEL, PROMPTS,
                List.of(ImageResult.scored(sha(1), embedding(1), scores(0.5))), new ResultMessage.Timings(0, 0, 0)));
        RecordSummary otherModel = store.recordResults(new ResultMessage(scan, batch.batchId(), "w", "RN50/openai",
                PROMPTS, List.of(ImageResult.scored(sha(1), embedding(1), scores(0.5))),
                new ResultMessage.Timings(0, 0, 0)));

        assertThat(unknown.status()).isEqualTo(RecordSummary.Status.UNKNOWN_BATCH);
        assertThat(unknown.detail()).isEqualTo("batch nope is not in the store; result ignored");
        assertThat(otherModel.status()).isEqualTo(RecordSummary.Status.MISMATCH);
        assertThat(otherModel.detail()).contains("RN50/openai").contains(MODEL).doesNotContain("\n");
        assertThat(store.counts(scan)).isEqualTo(before);
        assertThat(store.result(sha(1), "RN50/openai", PROMPTS)).isEmpty();
        assertThat(store.result(sha(1), MODEL, PROMPTS)).isEmpty();
    }

    @Test
    void aParkedOneImageBatchFailsItsImageButALateResultIsStillTaken() {
        String scan = stagedScan(1);
        ClaimedBatch batch = claimAndPublish(scan, 10);
        store.markPublished(batch.batchId());
        store.markPublished(batch.batchId());

        ParkOutcome parked = store.parkBatch(batch.batchId(), "worker crashed");

        assertThat(parked.failed()).isEqualTo(1);
        assertThat(parked.split()).isFalse();
        ScanCounts counts = store.counts(scan);
        assertThat(counts.failed()).isEqualTo(1);
        assertThat(counts.parkedBatches()).isEqualTo(1);
        assertThat(store.failures(scan, 1)).singleElement().extracting(ImageFailure::error)
                .isEqualTo("batch " + batch.batchId() + " parked after 3 attempt(s): worker crashed");
        assertThat(store.batch(batch.batchId()).orElseThrow().error()).isEqualTo("worker crashed");
        assertThat(store.parkBatch(batch.batchId(), "again")).isEqualTo(new ParkOutcome(0, List.of()));
        assertThat(store.redispatch(batch.batchId())).isEmpty();

        RecordSummary late = store.recordResults(result(batch, "vega-0", 0.3));

        assertThat(late.status()).isEqualTo(RecordSummary.Status.LATE);
        assertThat(late.scored()).isEqualTo(1);
        assertThat(store.counts(scan).scored()).isEqualTo(1);
        assertThat(store.batch(batch.batchId()).orElseThrow().state()).isEqualTo(BatchState.PARKED);
    }

    @Test
    void aParkedBatchOfSeveralImagesIsSplitSoThatOnlyTheImageThatFailsAloneIsGivenUpOn() {
        String scan = stagedScan(3);
        ClaimedBatch batch = claimAndPublish(scan, 10);
        assertThat(batch.images()).hasSize(3);

        ParkOutcome split = store.parkBatch(batch.batchId(), "worker crashed");

        // nothing failed yet: one pending batch per image, in the batch's order, to publish
        assertThat(split.split()).isTrue();
        assertThat(split.failed()).isZero();
        assertThat(split.retries()).hasSize(3).allSatisfy(single -> {
            assertThat(single.images()).hasSize(1);
            assertThat(single.attempt()).isEqualTo(1);
            assertThat(single.batchId()).isNotEqualTo(batch.batchId());
            assertThat(store.batch(single.batchId()).orElseThrow().state()).isEqualTo(BatchState.PENDING);
        });
        assertThat(split.retries()).flatExtracting(ClaimedBatch::images).extracting(ClaimedBatch.Image::sha256)
                .containsExactlyElementsOf(batch.images().stream().map(ClaimedBatch.Image::sha256).toList());
        BatchInfo original = store.batch(batch.batchId()).orElseThrow();
        assertThat(original.state()).isEqualTo(BatchState.SPLIT);
        assertThat(original.error()).isEqualTo("worker crashed");
        ScanCounts counts = store.counts(scan);
        assertThat(counts.failed()).isZero();
        assertThat(counts.parkedBatches()).isZero();
        assertThat(counts.inFlight()).isEqualTo(3);
        assertThat(counts.pendingBatches()).isEqualTo(3);
        // the split batch is finished with: parked again (a duplicate park message) or re-dispatched, nothing moves
        assertThat(store.parkBatch(batch.batchId(), "again").failed()).isZero();
        assertThat(store.redispatch(batch.batchId())).isEmpty();
        // a resumed run publishes the pending singles like any batch left outstanding
        assertThat(store.batches(scan, BatchState.PENDING)).extracting(BatchInfo::id)
                .containsExactlyInAnyOrderElementsOf(split.retries().stream().map(ClaimedBatch::batchId).toList());

        List<String> ids = split.retries().stream().map(ClaimedBatch::batchId).toList();
        assertThat(store.markPublished(ids)).isEqualTo(3);
        assertThat(store.recordResults(result(split.retries().get(0), "vega-0", 0.3)).status())
                .isEqualTo(RecordSummary.Status.RECORDED);
        assertThat(store.recordResults(result(split.retries().get(2), "vega-0", 0.3)).status())
                .isEqualTo(RecordSummary.Status.RECORDED);
        ClaimedBatch culprit = split.retries().get(1);

        ParkOutcome parked = store.parkBatch(culprit.batchId(), "worker crashed");

        assertThat(parked.split()).isFalse();
        assertThat(parked.failed()).isEqualTo(1);
        counts = store.counts(scan);
        assertThat(counts.scored()).isEqualTo(2);
        assertThat(counts.failed()).isEqualTo(1);
        assertThat(counts.remaining()).isZero();
        assertThat(counts.parkedBatches()).isEqualTo(1);
        assertThat(store.failures(scan, 5)).singleElement().satisfies(f -> {
            assertThat(f.relativePath()).isEqualTo(culprit.images().get(0).relativePath());
            assertThat(f.error())
                    .isEqualTo("batch " + culprit.batchId() + " parked after 1 attempt(s): worker crashed");
        });

        // a late answer to the split batch still counts: the culprit's content gets its scores after all
        RecordSummary late = store.recordResults(result(batch, "vega-1", 0.3));
        assertThat(late.status()).isEqualTo(RecordSummary.Status.LATE);
        assertThat(late.scored()).isEqualTo(1);
        assertThat(store.counts(scan).failed()).isZero();
    }

    @Test
    void concurrentClaimersAndRecordersNeverShareAnImage() throws Exception {
        int total = 2000;
        String scan = stagedScan(total);
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<String> claimed = Collections.synchronizedList(new ArrayList<>());
        List<Future<Integer>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String worker = "w" + t;
            workers.add(pool.submit(() -> {
                int batches = 0;
                for (Optional<ClaimedBatch> batch = store.claimBatch(scan, 7); batch.isPresent();
                        batch = store.claimBatch(scan, 7)) {
                    store.markPublished(batch.get().batchId());
                    batch.get().images().forEach(i -> claimed.add(i.sha256()));
                    RecordSummary summary = store.recordResults(result(batch.get(), worker, 0.5));
                    assertThat(summary.status()).isEqualTo(RecordSummary.Status.RECORDED);
                    assertThat(summary.duplicates()).isZero();
                    batches++;
                }
                return batches;
            }));
        }
        int batches = 0;
        for (Future<Integer> worker : workers) {
            batches += worker.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();

        assertThat(claimed).hasSize(total).doesNotHaveDuplicates();
        assertThat(batches).isEqualTo((total + 6) / 7);
        ScanCounts counts = store.counts(scan);
        assertThat(counts.scored()).isEqualTo(total);
        assertThat(counts.doneBatches()).isEqualTo(batches);
        assertThat(store.countsByWorker(scan)).extracting(WorkerCounts::scored)
                .satisfies(perWorker -> assertThat(perWorker.stream().mapToLong(Long::longValue).sum())
                        .isEqualTo(total));
    }

    // ---------------------------------------------------------------- reuse and rescoring

    @Test
    void rescanReusesStoredResultsAndOnlyNewImagesAreClaimed() {
        String first = stagedScan(3);
        store.recordResults(result(claimAndPublish(first, 10), "vega-0", 0.7));
        clock.advance(Duration.ofDays(1));
        String second = store.createScan("/corpus", MODEL, PROMPTS, "{}").id();
        store.stage(second, List.of(image("fs/faces/1.png", 1), image("fs/faces/2.png", 2),
                image("fs/faces/3.png", 3), image("fs/faces/4.png", 4)).iterator());

        assertThat(store.reuseKnownResults(second)).isEqualTo(3);

        ClaimedBatch batch = store.claimBatch(second, 10).orElseThrow();
        assertThat(batch.images()).containsExactly(new ClaimedBatch.Image(sha(4), "fs/faces/4.png"));
        ScanCounts counts = store.counts(second);
        assertThat(counts.reused()).isEqualTo(3);
        assertThat(counts.inFlight()).isEqualTo(1);
        assertThat(images(second)).filteredOn(i -> i.state() == ImageState.REUSED)
                .extracting(i -> i.scores().get("mask")).containsOnly(0.7);
    }

    @Test
    void claimReusesResultsThatArrivedAfterStaging() {
        String first = stagedScan(2);
        String second = stagedScan(2);
        store.recordResults(result(claimAndPublish(first, 10), "vega-0", 0.6));

        assertThat(store.claimBatch(second, 10)).isEmpty();

        assertThat(store.counts(second).reused()).isEqualTo(2);
    }

    @Test
    void otherPromptSetRescoresFromStoredEmbeddings() {
        String first = stagedScan(2);
        store.recordResults(result(claimAndPublish(first, 10), "vega-0", 0.6));
        String second = store.createScan("/corpus", MODEL, "prompts-v2", "{}").id();
        store.stage(second, List.of(image("fs/faces/1.png", 1), image("fs/faces/2.png", 2),
                image("fs/faces/new.png", 9)).iterator());

        assertThat(store.reuseKnownResults(second)).isZero();
        List<StoredEmbedding> rescorable = new ArrayList<>();
        store.forEachRescorable(second, rescorable::add);

        assertThat(rescorable).extracting(StoredEmbedding::sha256).containsExactly(sha(1), sha(2));
        assertThat(rescorable.get(0).embedding()).isEqualTo(embedding(1));
        List<Rescored> rescored = rescorable.stream()
                .map(e -> new Rescored(e.sha256(), Map.of("mask", (double) e.embedding()[0]))).toList();
        assertThat(store.recordRescored(second, rescored)).isEqualTo(2);
        assertThat(store.recordRescored(second, rescored)).as("idempotent").isZero();

        ScanCounts counts = store.counts(second);
        assertThat(counts.reused()).isEqualTo(2);
        assertThat(counts.staged()).isEqualTo(1);
        assertThat(store.result(sha(2), MODEL, "prompts-v2")).contains(Map.of("mask", (double) embedding(2)[0]));
        assertThat(store.result(sha(2), MODEL, PROMPTS)).contains(scores(0.6));
        store.close();
        store = reopen();
        List<StoredEmbedding> none = new ArrayList<>();
        store.forEachRescorable(second, none::add);
        assertThat(none).as("a new process looks at every staged image again; none is rescorable now").isEmpty();
    }

    @Test
    void eachStagedImageIsLookedAtForReuseOnceAndALaterResultIsFoundByTheClaim() {
        String first = stagedScan(3);
        List<ClaimedBatch> firstBatches = store.claimBatches(first, 1, 3);
        store.recordResults(result(firstBatches.get(0), "vega-0", 0.7));
        String second = newScan();
        store.stage(second, List.of(image("fs/faces/1.png", 1), image("fs/faces/2.png", 2)).iterator());

        assertThat(store.reuseKnownResults(second)).isEqualTo(1);
        store.recordResults(result(firstBatches.get(1), "vega-0", 0.7));
        store.stage(second, List.of(image("fs/faces/3.png", 3)).iterator());
        store.recordResults(result(firstBatches.get(2), "vega-0", 0.7));

        assertThat(store.reuseKnownResults(second)).as("only 3.png is new since the last look").isEqualTo(1);
        assertThat(store.claimBatches(second, 10, 1)).as("2.png's result came after its look").isEmpty();
        assertThat(store.counts(second).reused()).isEqualTo(3);
    }

    @Test
    void embeddingsOfAScanComeBackBitExact() {
        String scan = stagedScan(2);
        store.recordResults(result(claimAndPublish(scan, 10), "vega-0", 0.6));

        List<StoredEmbedding> embeddings = new ArrayList<>();
        store.forEachEmbedding(scan, embeddings::add);

        assertThat(embeddings).hasSize(2);
        assertThat(embeddings.get(0).sha256()).isEqualTo(sha(1));
        assertThat(embeddings.get(0).embedding()).isEqualTo(embedding(1));
        assertThat(embeddings.get(1).embedding()).isEqualTo(embedding(2));
    }

    @Test
    void imagesComeGroupedByFacesetWithScores() {
        String scan = newScan();
        store.stage(scan, List.of(image("b/faces/1.png", 1), image("a/faces/2.png", 2), image("b/faces/0.png", 3),
                StagedImage.unreadable("a/faces/x.png", "a", 0, "I/O error")).iterator());
        store.recordResults(result(claimAndPublish(scan, 1), "vega-0", 0.95));

        List<ImageRecord> images = images(scan);

        assertThat(images).extracting(ImageRecord::relativePath)
                .containsExactly("a/faces/2.png", "a/faces/x.png", "b/faces/0.png", "b/faces/1.png");
        assertThat(images).extracting(ImageRecord::state).containsExactly(ImageState.STAGED, ImageState.FAILED,
                ImageState.STAGED, ImageState.SCORED);
        assertThat(images.get(3).scores()).isEqualTo(scores(0.95));
        assertThat(images.get(0).scores()).isEmpty();
        assertThat(images.get(1).error()).isEqualTo("I/O error");
    }

    // ---------------------------------------------------------------- helpers

    protected String newScan() {
        return store.createScan("/corpus", MODEL, PROMPTS, "{}").id();
    }

    /** A scan with {@code n} images fs/faces/1.png .. n.png whose sha256 is sha(1) .. sha(n). */
    protected String stagedScan(int n) {
        String scan = newScan();
        List<StagedImage> images = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            images.add(image("fs/faces/" + i + ".png", i));
        }
        store.stage(scan, images.iterator());
        return scan;
    }

    protected ClaimedBatch claimAndPublish(String scan, int size) {
        ClaimedBatch batch = store.claimBatch(scan, size).orElseThrow();
        assertThat(store.markPublished(batch.batchId())).isTrue();
        return batch;
    }

    protected List<ImageRecord> images(String scan) {
        List<ImageRecord> images = new ArrayList<>();
        store.forEachImage(scan, images::add);
        return images;
    }

    static StagedImage image(String relativePath, int content) {
        return StagedImage.hashed(relativePath, relativePath.substring(0, relativePath.indexOf('/')), sha(content),
                1000 + content, 1_700_000_000_000L + content);
    }

    static String sha(int content) {
        return String.format("%064x", content);
    }

    /** A distinct, exactly representable embedding per content, including values whose bits must survive. */
    static float[] embedding(int content) {
        float[] e = new float[8];
        Arrays.fill(e, content / 8f);
        e[1] = -0.0f;
        e[2] = Float.MIN_VALUE;
        e[3] = -content;
        return e;
    }

    static Map<String, Double> scores(double mask) {
        return Map.of("mask", mask, "sunglasses", 0.1);
    }

    static ResultMessage result(ClaimedBatch batch, String worker, double mask) {
        List<ImageResult> results = batch.images().stream()
                .map(i -> ImageResult.scored(i.sha256(), embedding(Integer.parseInt(i.sha256(), 16)), scores(mask)))
                .toList();
        return new ResultMessage(batch.scanId(), batch.batchId(), worker, batch.modelId(), batch.promptHash(),
                results, new ResultMessage.Timings(1, 2, 3));
    }
}
