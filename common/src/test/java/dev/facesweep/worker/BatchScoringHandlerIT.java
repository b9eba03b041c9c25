package dev.facesweep.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.facesweep.corpus.ContentHash;
import dev.facesweep.imaging.DecodeLimits;
import dev.facesweep.model.ClipModel;
import dev.facesweep.model.CpuSessionConfigurer;
import dev.facesweep.model.ModelBundle;
import dev.facesweep.protocol.BatchImage;
import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.ImageResult;
import dev.facesweep.protocol.ResultMessage;
import dev.facesweep.scoring.ClipScorer;
import dev.facesweep.scoring.ImageInput;
import dev.facesweep.scoring.ImageScore;
import dev.facesweep.scoring.PromptSet;
import dev.facesweep.testing.Fixtures;
import dev.facesweep.testing.ScoringReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's batch handler against the real tiny model: embeddings as ClipScorer's, per-image errors. */
class BatchScoringHandlerIT {

    private static final ScoringReference REF = ScoringReference.load();
    private static final String SCAN = "scan-1";
    private static final String PROMPTS = "p".repeat(16);

    @TempDir
    static Path tmp;

    private static Path corpus;
    private static ClipModel model;
    private static ClipScorer scorer;
    private static BatchScoringHandler handler;

    @BeforeAll
    static void open() throws Exception {
        corpus = Files.createDirectories(tmp.resolve("corpus"));
        for (String name : REF.imageNames()) {
            Files.copy(Fixtures.clipTinyImages().resolve(name), corpus.resolve(name));
        }
        model = ClipModel.open(ModelBundle.load(Fixtures.clipTinyModel()), new CpuSessionConfigurer(0, 4));
        scorer = ClipScorer.create(model, PromptSet.load(ScoringReference.promptsFile()), DecodeLimits.defaults());
        // the coordinator sees the corpus as /srv/corpus
        handler = BatchScoringHandler.create(model, PathPolicy.restricted(
                List.of(new PathMapping("/srv/corpus/", corpus + "/")), List.of(corpus)), "worker-1", 2);
    }

    @AfterAll
    static void close() {
        handler.close();
        model.close();
    }

    private static BatchImage staged(String name) throws Exception {
        return new BatchImage(new ContentHash().sha256(corpus.resolve(name)), "/srv/corpus/" + name);
    }

    private static BatchMessage batch(List<BatchImage> images) {
        return new BatchMessage(SCAN, "b-" + images.size(), handler.modelId(), PROMPTS, 1, images);
    }

    @Test
    void embeddingsEqualClipScorersForTheSameFiles() throws Exception {
        List<BatchImage> images = new ArrayList<>();
        for (String name : REF.imageNames()) {
            images.add(staged(name));
        }
        assertThat(handler.modelBatchSize()).isEqualTo(4); // 15 images: four runs, the last one short

        ResultMessage result = handler.handle(batch(images));

        List<ImageScore> expected = scorer.score(REF.imageNames().stream()
                .map(n -> ImageInput.of(corpus.resolve(n))).toList());
        assertThat(result.scanId()).isEqualTo(SCAN);
        assertThat(result.workerId()).isEqualTo("worker-1");
        assertThat(result.modelId()).isEqualTo(model.bundle().modelId());
        assertThat(result.promptHash()).isEqualTo(PROMPTS);
        assertThat(result.results()).extracting(ImageResult::id)
                .containsExactlyElementsOf(images.stream().map(BatchImage::id).toList());
        for (int i = 0; i < images.size(); i++) {
            ImageResult r = result.results().get(i);
            String name = REF.imageNames().get(i);
            assertThat(r.failed()).as(name + ": " + r.error()).isFalse();
            assertThat(r.scores()).isEmpty();
            assertThat(r.embedding()).as(name).containsExactly(expected.get(i).embedding(), within(1e-6f));
            if (!REF.isJpeg(name)) {
                assertThat(r.embedding()).as(name).containsExactly(REF.imageEmbedding(name),
                        within((float) REF.embeddingTolerance()));
            }
        }
        assertThat(result.timings().decodeMs()).isGreaterThanOrEqualTo(0);
        assertThat(result.timings().preprocessMs()).isGreaterThan(0);
        assertThat(result.timings().inferMs()).isGreaterThan(0);
    }

    @Test
    void badImagesAreErrorsAndTheRestIsScored() throws Exception {
        String good = REF.imageNames().get(0);
        String other = REF.imageNames().get(1);
        byte[] png = Files.readAllBytes(corpus.resolve(good));
        Path zero = Files.write(corpus.resolve("zero.png"), new byte[0]);
        Path truncated = Files.write(corpus.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
        Path outsideFile = Files.write(tmp.resolve("outside.png"), png);
        Path escape = Files.createSymbolicLink(corpus.resolve("escape.png"), outsideFile);
        String pngId = ContentHash.sha256(png);

        List<BatchImage> images = List.of(
                staged(good),
                new BatchImage(ContentHash.sha256(new byte[0]), "/srv/corpus/zero.png"),
                new BatchImage(ContentHash.sha256(Files.readAllBytes(truncated)), "/srv/corpus/truncated.png"),
                new BatchImage(pngId, "/srv/corpus/missing.png"),
                new BatchImage(pngId, outsideFile.toString()),
                new BatchImage(pngId, "/srv/corpus/escape.png"),
                new BatchImage(pngId, "/srv/corpus/../outside.png"),
                new BatchImage(staged(other).id(), "/srv/corpus/" + good),
                staged(other));

        ResultMessage result = handler.handle(batch(images));

        List<ImageResult> r = result.results();
        assertThat(r).hasSize(images.size());
        assertThat(r).extracting(ImageResult::failed)
                .containsExactly(false, true, true, true, true, true, true, true, false);
        assertThat(r.get(1).error()).isEqualTo("empty file (0 bytes): not an image");
        assertThat(r.get(2).error()).startsWith("truncated PNG");
        assertThat(r.get(3).error()).isEqualTo("file not found: /srv/corpus/missing.png");
        assertThat(r.get(4).error()).isEqualTo("path " + outsideFile + " is outside the allowed roots [" + corpus
                + "]; add --allow-root or --path-map on this worker");
        assertThat(r.get(5).error()).isEqualTo("path /srv/corpus/escape.png (here " + escape + ") resolves through "
                + "a link to " + outsideFile.toRealPath() + ", outside the allowed roots [" + corpus + "]");
        assertThat(r.get(6).error()).startsWith("path /srv/corpus/../outside.png (here " + corpus
                + "/../outside.png) is outside the allowed roots");
        assertThat(r.get(7).error()).startsWith("content changed since staging: /srv/corpus/" + good
                + " now hashes to " + pngId.substring(0, 12));
        assertThat(r).allSatisfy(x -> assertThat(x.failed() ? x.error() : "").doesNotContain("\n"));

        List<ImageScore> expected = scorer.score(List.of(ImageInput.of(corpus.resolve(good)),
                ImageInput.of(corpus.resolve(other))));
        assertThat(r.get(0).embedding()).containsExactly(expected.get(0).embedding(), within(1e-6f));
        assertThat(r.get(8).embedding()).containsExactly(expected.get(1).embedding(), within(1e-6f));
    }

    @Test
    void inlineBytesNeedNoFileAccessAndAreHashChecked() throws Exception {
        String name = REF.imageNames().get(2);
        byte[] bytes = Files.readAllBytes(corpus.resolve(name));
        String id = ContentHash.sha256(bytes);
        BatchScoringHandler inlineOnly = BatchScoringHandler.create(model, PathPolicy.inlineOnly(), "w-inline", 1);
        try {
            ResultMessage result = inlineOnly.handle(batch(List.of(
                    new BatchImage(id, "/nowhere/" + name, bytes),
                    new BatchImage(id, "/srv/corpus/" + name),
                    new BatchImage(ContentHash.sha256(new byte[] {1}), "/nowhere/x.png", bytes))));
            ImageScore expected = scorer.score(List.of(ImageInput.of(corpus.resolve(name)))).get(0);
            assertThat(result.results().get(0).embedding()).containsExactly(expected.embedding(), within(1e-6f));
            assertThat(result.results().get(1).error()).startsWith("path /srv/corpus/" + name + " refused: this "
                    + "worker reads no files");
            assertThat(result.results().get(2).error()).isEqualTo("content changed since staging: the inline image "
                    + "now hashes to " + id.substring(0, 12) + "..., not its id "
                    + ContentHash.sha256(new byte[] {1}).substring(0, 12) + "...; re-scan to stage it again");
        } finally {
            inlineOnly.close();
        }
    }

    @Test
    void prepareThenInferEqualsHandleAndAnAllFailedBatchSkipsTheModel() throws Exception {
        BatchMessage b = batch(List.of(staged(REF.imageNames().get(3)), staged(REF.imageNames().get(4))));
        DecodedBatch decoded = handler.prepare(b);
        assertThat(decoded.readable()).isEqualTo(2);
        assertThat(handler.infer(decoded).results()).isEqualTo(handler.handle(b).results());

        ResultMessage none = handler.handle(batch(List.of(new BatchImage("0".repeat(64), "/srv/corpus/no.png"))));
        assertThat(none.results()).extracting(ImageResult::error).containsExactly("file not found: /srv/corpus/no.png");
        assertThat(none.timings().inferMs()).isLessThan(50);
    }

    @Test
    void aBatchForAnotherModelIsRefusedAsAWhole() throws Exception {
        BatchMessage b = new BatchMessage(SCAN, "b-x", "ViT-L-14/other@000000000000", PROMPTS, 1,
                List.of(staged(REF.imageNames().get(0))));
        assertThatThrownBy(() -> handler.handle(b)).isInstanceOf(WrongModelException.class)
                .hasMessage("batch b-x is for model ViT-L-14/other@000000000000 but this worker runs "
                        + handler.modelId() + "; start a worker with that model's bundle (--model)");
    }
}
