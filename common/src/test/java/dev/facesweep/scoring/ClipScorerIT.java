package dev.facesweep.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.facesweep.imaging.ImageException;
import dev.facesweep.imaging.ImagePreprocessor;
import dev.facesweep.model.BundleException;
import dev.facesweep.model.ClipModel;
import dev.facesweep.model.CpuSessionConfigurer;
import dev.facesweep.model.ModelBundle;
import dev.facesweep.testing.Fixtures;
import dev.facesweep.testing.ScoringReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scoring facade's batching and per-image error handling with the real models and a stand-in preprocessor
 * (the real one is covered by {@code FullPipelineIT}).
 */
class ClipScorerIT {

    private static final ScoringReference REF = ScoringReference.load();
    private static ClipModel model;
    private static ClipScorer scorer;

    @TempDir
    Path tmp;

    /** Turns the bytes into seeded noise; bytes starting with "bad" are not an image. */
    static final class NoisePreprocessor implements ImagePreprocessor {
        private final int size;

        NoisePreprocessor(int size) {
            this.size = size;
        }

        @Override
        public int width() {
            return size;
        }

        @Override
        public int height() {
            return size;
        }

        @Override
        public void preprocess(byte[] encoded, float[] dest, int offset) throws ImageException {
            if (new String(encoded, StandardCharsets.UTF_8).startsWith("bad")) {
                throw new ImageException("not a PNG or JPEG image");
            }
            Random random = new Random(Arrays.hashCode(encoded));
            for (int i = 0; i < tensorSize(); i++) {
                dest[offset + i] = (float) random.nextGaussian();
            }
        }
    }

    @BeforeAll
    static void open() throws Exception {
        model = ClipModel.open(ModelBundle.load(Fixtures.clipTinyModel()), new CpuSessionConfigurer(1, 2));
        scorer = ClipScorer.create(model, new NoisePreprocessor(224), PromptSet.load(ScoringReference.promptsFile()),
                new ReferenceTokenizer(REF));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static ImageInput image(String name) {
        return ImageInput.of(name, name.getBytes(StandardCharsets.UTF_8));
    }

    /** What the scorer should say about a readable image, computed from the model directly. */
    private static float[] expectedEmbedding(String name) throws ImageException {
        NoisePreprocessor p = new NoisePreprocessor(224);
        float[] pixels = new float[p.tensorSize()];
        p.preprocess(name.getBytes(StandardCharsets.UTF_8), pixels, 0);
        return model.embedImages(pixels, 1)[0];
    }

    @Test
    void unreadableImagesGetAnErrorAndTheRestIsScored() throws Exception {
        Path missing = tmp.resolve("gone.png");
        Path file = tmp.resolve("ok.png");
        Files.writeString(file, "file image");
        List<ImageInput> inputs = List.of(image("a"), image("bad one"), ImageInput.of(missing), image("b"),
                ImageInput.of(file), new ImageInput("broken source", () -> {
                    throw new IOException("disk said no\nsecond line");
                }), image("c"));
        assertThat(scorer.batchSize()).isEqualTo(2);

        List<ImageScore> scores = scorer.score(inputs);

        assertThat(scores).extracting(ImageScore::label).containsExactly("a", "bad one", missing.toString(), "b",
                file.toString(), "broken source", "c");
        assertThat(scores).extracting(ImageScore::ok).containsExactly(true, false, false, true, true, false, true);
        assertThat(scores.get(1).error()).isEqualTo("not a PNG or JPEG image");
        assertThat(scores.get(2).error()).isEqualTo("file not found");
        assertThat(scores.get(5).error()).isEqualTo("cannot read: disk said no second line");
        for (int i : new int[] {0, 3, 6}) {
            ImageScore s = scores.get(i);
            float[] expected = expectedEmbedding(s.label());
            assertThat(s.embedding()).containsExactly(expected, within(1e-5f));
            assertThat(s.scores().keySet()).containsExactlyElementsOf(REF.attributes());
            assertThat(s.scores()).isEqualTo(scorer.scoreEmbedding(expected));
        }
        assertThat(scores.get(4).embedding()).containsExactly(expectedEmbedding("file image"), within(1e-5f));
        assertThat(scores.get(1).scores()).isEmpty();
        assertThat(scores.get(1).embedding()).isNull();
    }

    @Test
    void aBatchWhereNothingIsReadableNeedsNoModelRun() {
        List<ImageScore> scores = scorer.infer(scorer.prepare(List.of(image("bad 1"), image("bad 2"))));
        assertThat(scores).extracting(ImageScore::ok).containsExactly(false, false);
    }

    @Test
    void parallelPreparationGivesTheSameResult() {
        List<ImageInput> inputs = List.of(image("p"), image("bad"), image("q"), image("r"), image("s"));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            PreparedBatch parallel = scorer.prepare(inputs, pool);
            assertThat(parallel.size()).isEqualTo(5);
            assertThat(parallel.readable()).isEqualTo(4);
            List<ImageScore> a = scorer.infer(parallel);
            List<ImageScore> b = scorer.infer(scorer.prepare(inputs));
            for (int i = 0; i < a.size(); i++) {
                assertThat(a.get(i).label()).isEqualTo(b.get(i).label());
                assertThat(a.get(i).scores()).isEqualTo(b.get(i).scores());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void storedEmbeddingsAreRescoredWithoutTheImageModel() {
        String image = REF.imageNames().get(2);
        Map<String, Double> scores = scorer.scoreEmbedding(REF.imageEmbedding(image));
        REF.imageScores(image).forEach((a, p) -> assertThat(scores.get(a)).isCloseTo(p,
                within(REF.probabilityTolerance())));
        assertThatThrownBy(() -> scorer.scoreEmbedding(new float[5])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void promptSetHashCoversTheBundle() {
        assertThat(scorer.promptSetHash()).isEqualTo(scorer.promptSet().hash(model.bundle().scoringId()));
        assertThat(scorer.modelId()).isEqualTo(model.bundle().modelId());
    }

    @Test
    void preprocessorOfAnotherSizeIsRejected() {
        assertThatThrownBy(() -> ClipScorer.create(model, new NoisePreprocessor(256),
                PromptSet.load(ScoringReference.promptsFile()), new ReferenceTokenizer(REF)))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("makes 256x256 images but config.json vision_cfg.image_size is 224");
    }
}
