package dev.facesweep.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.facesweep.tokenizer.Tokens;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CLIP bundle's two ONNX models behind one object: each session opened once (eagerly for the roles given to
 * {@link #open}, otherwise on first use) and closed once by {@link #close()}. Embeddings are always
 * L2-normalised. Thread-safe; runs on one session are serialised.
 */
public final class ClipModel implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClipModel.class);

    private final ModelBundle bundle;
    private final SessionConfigurer configurer;
    private final OrtEnvironment env;
    private final Map<ModelRole, ModelSession> sessions = new EnumMap<>(ModelRole.class);
    private boolean closed;

    private ClipModel(ModelBundle bundle, SessionConfigurer configurer) {
        this.bundle = bundle;
        this.configurer = configurer;
        this.env = OrtEnvironment.getEnvironment();
    }

    /**
     * @param eager roles whose sessions are opened now (so their errors surface here); the others open on first
     *     use
     * @throws BundleException when an eager session cannot be opened or does not fit the bundle's config
     */
    public static ClipModel open(ModelBundle bundle, SessionConfigurer configurer, ModelRole... eager)
            throws BundleException {
        ClipModel model = new ClipModel(bundle, configurer);
        try {
            for (ModelRole role : eager) {
                model.session(role);
            }
        } catch (BundleException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    public ModelBundle bundle() {
        return bundle;
    }

    public SessionConfigurer configurer() {
        return configurer;
    }

    public int embedDim() {
        return bundle.config().embedDim();
    }

    public double logitScale() {
        return bundle.config().logitScale();
    }

    /** Opens the session of {@code role} if it is not open yet. */
    public void ensureOpen(ModelRole role) throws BundleException {
        session(role);
    }

    /** Rows per model run for {@code role} (opens its session): the fixed batch size or the configurer's. */
    public int batchSize(ModelRole role) throws BundleException {
        return session(role).batchSize();
    }

    /** How the session of {@code role} looks (opens it). */
    public SessionInfo sessionInfo(ModelRole role) throws BundleException {
        return session(role).info();
    }

    /** Identity, config and both sessions (opens both). */
    public ModelInfo info() throws BundleException {
        return new ModelInfo(bundle, sessionInfo(ModelRole.VISUAL), sessionInfo(ModelRole.TEXTUAL));
    }

    /**
     * L2-normalised embeddings of {@code count} preprocessed images laid out NCHW from index 0 of {@code pixels}
     * (each {@code 3 * size * size} floats). Runs in batches of {@link #batchSize}; a fixed-batch session gets its
     * last batch padded.
     *
     * @throws InferenceException when the visual session cannot be opened or a run fails
     */
    public float[][] embedImages(float[] pixels, int count) {
        return normalize(onDemand(ModelRole.VISUAL).embedImages(pixels, count));
    }

    /**
     * L2-normalised embeddings of tokenised prompts (each padded with 0 to the context length).
     *
     * @throws InferenceException when the textual session cannot be opened or a run fails
     */
    public float[][] embedTexts(List<Tokens> tokens) {
        List<int[]> rows = new ArrayList<>(tokens.size());
        for (Tokens t : tokens) {
            rows.add(t.ids());
        }
        return normalize(onDemand(ModelRole.TEXTUAL).embedTokens(rows));
    }

    private static float[][] normalize(float[][] embeddings) {
        for (int i = 0; i < embeddings.length; i++) {
            embeddings[i] = Embeddings.l2Normalize(embeddings[i]);
        }
        return embeddings;
    }

    private ModelSession onDemand(ModelRole role) {
        try {
            return session(role);
        } catch (BundleException e) {
            throw new InferenceException(e.getMessage(), e);
        }
    }

    private synchronized ModelSession session(ModelRole role) throws BundleException {
        if (closed) {
            throw new IllegalStateException("model " + bundle.modelId() + " is closed");
        }
        ModelSession session = sessions.get(role);
        if (session == null) {
            session = ModelSession.open(env, bundle, role, configurer);
            try {
                checkEmbedDim(role, session);
            } catch (BundleException e) {
                closeQuietly(session);
                throw e;
            }
            sessions.put(role, session);
        }
        return session;
    }

    /** Both models must embed into the same space, the one config.json declares. */
    private void checkEmbedDim(ModelRole role, ModelSession opened) throws BundleException {
        int dim = opened.declaredEmbedDim();
        if (dim <= 0) {
            return; // free output dimension: checked on every run
        }
        for (ModelSession other : sessions.values()) {
            int otherDim = other.declaredEmbedDim();
            if (otherDim > 0 && otherDim != dim) {
                ModelSession visual = role == ModelRole.VISUAL ? opened : other;
                ModelSession textual = role == ModelRole.VISUAL ? other : opened;
                throw new BundleException("model bundle " + bundle.dir() + ": visual embedding dim "
                        + visual.declaredEmbedDim() + " differs from textual " + textual.declaredEmbedDim()
                        + ": the two models are not from the same CLIP model");
            }
        }
        if (dim != embedDim()) {
            throw new BundleException(opened.where() + " outputs " + dim + "-dim embeddings but config.json "
                    + "embed_dim is " + embedDim());
        }
    }

    private void closeQuietly(ModelSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            log.warn("closing the {} session of {} failed: {}", session.info().role(), bundle.modelId(),
                    e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        sessions.values().forEach(this::closeQuietly);
        sessions.clear();
    }
}
