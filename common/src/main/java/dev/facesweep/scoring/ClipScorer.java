package dev.facesweep.scoring;

import dev.facesweep.imaging.DecodeLimits;
import dev.facesweep.imaging.ImageException;
import dev.facesweep.imaging.ImagePreprocessor;
import dev.facesweep.model.BundleException;
import dev.facesweep.model.ClipModel;
import dev.facesweep.model.ModelBundle;
import dev.facesweep.model.ModelRole;
import dev.facesweep.tokenizer.ClipTokenizer;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores images with a CLIP model and a prompt set: read, preprocess, embed, compare with the prompt ensembles.
 * Images that cannot be read get a one-line error; the others in the batch are still scored. A model failure
 * fails the whole call ({@link dev.facesweep.model.InferenceException}).
 *
 * <p>{@link #score} does everything; {@link #prepare} and {@link #infer} split it so decoding the next batch can
 * overlap inference of this one. To rescore stored embeddings without opening the image model, use
 * {@link PromptEmbeddings#embed} and {@link PromptEmbeddings#scorer()}. Thread-safe.
 */
public final class ClipScorer {

    private static final Logger log = LoggerFactory.getLogger(ClipScorer.class);

    private final ClipModel model;
    private final ImagePreprocessor preprocessor;
    private final PromptEmbeddings prompts;
    private final ZeroShotScorer scorer;
    private final int batchSize;

    private ClipScorer(ClipModel model, ImagePreprocessor preprocessor, PromptEmbeddings prompts, int batchSize) {
        this.model = model;
        this.preprocessor = preprocessor;
        this.prompts = prompts;
        this.scorer = prompts.scorer();
        this.batchSize = batchSize;
    }

    /**
     * Embeds the prompt set with the text model and opens the image model.
     *
     * @throws BundleException when a session cannot be opened or the preprocessor's size does not fit the model
     */
    public static ClipScorer create(ClipModel model, ImagePreprocessor preprocessor, PromptSet promptSet,
            ClipTokenizer tokenizer) throws BundleException {
        model.ensureOpen(ModelRole.TEXTUAL);
        return create(model, preprocessor, PromptEmbeddings.embed(model, tokenizer, promptSet));
    }

    /**
     * With the bundle's own tokenizer and preprocessing ({@code visual/preprocess_cfg.json}).
     *
     * @throws BundleException when the tokenizer cannot be loaded or a session cannot be opened
     */
    public static ClipScorer create(ClipModel model, PromptSet promptSet, DecodeLimits limits)
            throws BundleException {
        ModelBundle bundle = model.bundle();
        return create(model, bundle.imagePreprocessor(limits), promptSet, bundle.tokenizer());
    }

    /** As {@link #create(ClipModel, ImagePreprocessor, PromptSet, ClipTokenizer)} with prompts already embedded. */
    public static ClipScorer create(ClipModel model, ImagePreprocessor preprocessor, PromptEmbeddings prompts)
            throws BundleException {
        int size = model.bundle().config().imageSize();
        if (preprocessor.width() != size || preprocessor.height() != size) {
            throw new BundleException("model bundle " + model.bundle().dir() + ": visual/preprocess_cfg.json makes "
                    + preprocessor.width() + "x" + preprocessor.height() + " images but config.json "
                    + "vision_cfg.image_size is " + size);
        }
        return new ClipScorer(model, preprocessor, prompts, model.batchSize(ModelRole.VISUAL));
    }

    /** Images per model run: score lists of this size (or multiples) to avoid padding. */
    public int batchSize() {
        return batchSize;
    }

    public PromptSet promptSet() {
        return prompts.promptSet();
    }

    /** {@link PromptSet#hash(String)} over the bundle's scoring id: equal hashes give equal scores. */
    public String promptSetHash() {
        return prompts.promptSetHash();
    }

    public String modelId() {
        return model.bundle().modelId();
    }

    /** The pure scorer, to rescore stored embeddings elsewhere. */
    public ZeroShotScorer zeroShot() {
        return scorer;
    }

    /** Scores every input, in order, running the model in batches of {@link #batchSize()}. */
    public List<ImageScore> score(List<ImageInput> inputs) {
        List<ImageScore> out = new ArrayList<>(inputs.size());
        for (int start = 0; start < inputs.size(); start += batchSize) {
            out.addAll(infer(prepare(inputs.subList(start, Math.min(inputs.size(), start + batchSize)))));
        }
        return out;
    }

    /** Reads and preprocesses the inputs in the calling thread. */
    public PreparedBatch prepare(List<ImageInput> inputs) {
        return prepare(inputs, Runnable::run);
    }

    /** Reads and preprocesses the inputs, one task per image on {@code executor}; returns when all are done. */
    public PreparedBatch prepare(List<ImageInput> inputs, Executor executor) {
        int tensorSize = preprocessor.tensorSize();
        float[] pixels = new float[Math.multiplyExact(inputs.size(), tensorSize)];
        String[] errors = new String[inputs.size()];
        CompletableFuture<?>[] tasks = new CompletableFuture<?>[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            int index = i;
            tasks[i] = CompletableFuture.runAsync(
                    () -> errors[index] = prepareOne(inputs.get(index), pixels, index * tensorSize), executor);
        }
        CompletableFuture.allOf(tasks).join();
        return new PreparedBatch(inputs, pixels, tensorSize, errors);
    }

    /** Preprocesses one image into {@code pixels[offset..]}; returns its error, or null. */
    private String prepareOne(ImageInput input, float[] pixels, int offset) {
        try {
            preprocessor.preprocess(input.source().read(), pixels, offset);
            return null;
        } catch (NoSuchFileException e) {
            return "file not found";
        } catch (IOException e) {
            return "cannot read: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (ImageException e) {
            return e.getMessage();
        } catch (RuntimeException e) {
            log.warn("unexpected failure preprocessing {}", input.label(), e);
            return "cannot preprocess: " + e;
        }
    }

    /** Embeds the readable images of {@code batch} and scores them; unreadable ones keep their error. */
    public List<ImageScore> infer(PreparedBatch batch) {
        int readable = batch.readable();
        float[][] embeddings = readable == 0 ? new float[0][] : model.embedImages(batch.packedPixels(), readable);
        List<ImageScore> out = new ArrayList<>(batch.size());
        int row = 0;
        for (int i = 0; i < batch.size(); i++) {
            String label = batch.inputs().get(i).label();
            String error = batch.error(i);
            if (error != null) {
                out.add(ImageScore.failed(label, error));
            } else {
                float[] embedding = embeddings[row++];
                out.add(ImageScore.scored(label, scorer.score(embedding), embedding));
            }
        }
        return out;
    }

    /**
     * Scores a stored embedding without running the image model (e.g. after the prompts changed).
     *
     * @throws IllegalArgumentException when its length is not the model's embedding width
     */
    public Map<String, Double> scoreEmbedding(float[] embedding) {
        return scorer.score(embedding);
    }

    /** Tokens, truncation and ensemble distances of every prompt, for the {@code prompts} command. */
    public PromptReport promptReport() {
        return prompts.report();
    }
}
