package dev.facesweep.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.facesweep.imaging.DecodeLimits;
import dev.facesweep.scoring.ClipScorer;
import dev.facesweep.scoring.ImageInput;
import dev.facesweep.scoring.ImageScore;
import dev.facesweep.scoring.PromptSet;
import dev.facesweep.testing.Fixtures;
import dev.facesweep.testing.Fp16Bundles;
import dev.facesweep.testing.ScoringReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fp16 bundles (what the exporter's {@code --fp16} makes for GPU workers), made here from the clip-tiny fixture by
 * {@link Fp16Bundles} ({@code fp16/to_fp16.py} in the test resources): every initializer cast to float16,
 * LayerNormalization kept in float32 with Casts around it. The scorer converts float16 image input and embedding output at the boundary; its
 * probabilities must stay within 0.01 of the float32 model's for every fixture image, with float16 graph inputs and
 * outputs and with float32 ones ({@code keep_io_types}).
 *
 * <p>Needs Debian's {@code python3-onnx} and {@code python3-numpy} for {@code /usr/bin/python3} (or the Python in
 * {@code FACESWEEP_PYTHON}); without them the test fails saying how to install them.
 */
class Fp16BundleIT {

    /** The largest change of any probability the fp16 copy may cause. */
    private static final double MAX_PROBABILITY_CHANGE = 0.01;
    /** The smallest cosine between an image's fp16 and fp32 embeddings (docs/tuning.md quotes it). */
    private static final double MIN_COSINE = 0.999;

    @TempDir
    static Path tmp;

    private static ClipModel fp32;
    private static List<ImageScore> fp32Scores;

    @BeforeAll
    static void scoreWithFloat32() throws Exception {
        fp32 = ClipModel.open(ModelBundle.load(Fixtures.clipTinyModel()), new CpuSessionConfigurer(1, 4));
        fp32Scores = score(fp32);
    }

    @AfterAll
    static void close() {
        fp32.close();
    }

    @Test
    void float16InputAndOutputScoreWithinOneHundredthOfFloat32() throws Exception {
        try (ClipModel fp16 = ClipModel.open(ModelBundle.load(fp16Bundle("fp16-io", false)),
                new CpuSessionConfigurer(1, 4), ModelRole.VISUAL)) {
            SessionInfo visual = fp16.sessionInfo(ModelRole.VISUAL);
            assertThat(visual.inputType()).isEqualTo("float16");
            assertThat(visual.outputType()).isEqualTo("float16");

            assertCloseToFloat32(score(fp16));
        }
    }

    @Test
    void float16WeightsBehindFloat32InputAndOutputScoreWithinOneHundredthOfFloat32() throws Exception {
        Path bundle = fp16Bundle("fp16-keep-io", true);
        try (ClipModel fp16 = ClipModel.open(ModelBundle.load(bundle), new CpuSessionConfigurer(1, 4),
                ModelRole.VISUAL)) {
            SessionInfo visual = fp16.sessionInfo(ModelRole.VISUAL);
            assertThat(visual.inputType()).isEqualTo("float32");
            assertThat(visual.outputType()).isEqualTo("float32");
            // the weights really are half precision: the file shrank by about half of the fp32 weights
            assertThat(Files.size(bundle.resolve("visual/model.onnx")))
                    .isLessThan(Files.size(Fixtures.clipTinyModel().resolve("visual/model.onnx")) * 3 / 4);

            assertCloseToFloat32(score(fp16));
        }
    }

    private static void assertCloseToFloat32(List<ImageScore> fp16Scores) {
        assertThat(fp16Scores).hasSameSizeAs(fp32Scores).hasSize(15);
        int differing = 0;
        for (int i = 0; i < fp32Scores.size(); i++) {
            ImageScore want = fp32Scores.get(i);
            ImageScore got = fp16Scores.get(i);
            assertThat(got.ok()).as(got.label() + ": " + got.error()).isTrue();
            assertThat(got.scores().keySet()).containsExactlyElementsOf(want.scores().keySet()).isNotEmpty();
            for (Map.Entry<String, Double> p : want.scores().entrySet()) {
                assertThat(got.scores().get(p.getKey())).as(got.label() + " " + p.getKey())
                        .isCloseTo(p.getValue(), within(MAX_PROBABILITY_CHANGE));
            }
            assertThat(cosine(got.embedding(), want.embedding())).as(got.label() + " cosine to fp32")
                    .isGreaterThan(MIN_COSINE);
            if (!Arrays.equals(got.embedding(), want.embedding())) {
                differing++;
            }
        }
        // half precision rounds: identical embeddings would mean the float16 path was not taken
        assertThat(differing).as("images whose fp16 embedding differs from the fp32 one").isPositive();
    }

    private static double cosine(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(aa * bb);
    }

    private static List<ImageScore> score(ClipModel model) throws Exception {
        ClipScorer scorer = ClipScorer.create(model, PromptSet.load(ScoringReference.promptsFile()),
                DecodeLimits.defaults());
        List<ImageInput> inputs = new ArrayList<>();
        for (String name : ScoringReference.load().imageNames()) {
            inputs.add(ImageInput.of(Fixtures.clipTinyImages().resolve(name)));
        }
        return scorer.score(inputs);
    }

    /** A copy of the fixture bundle whose image model is the fp16 conversion. */
    private static Path fp16Bundle(String name, boolean keepIoTypes) throws Exception {
        return Fp16Bundles.make(tmp.resolve(name), keepIoTypes);
    }
}
