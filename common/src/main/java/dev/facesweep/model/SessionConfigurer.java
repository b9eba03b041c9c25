package dev.facesweep.model;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * The one seam between CPU and accelerator workers: how an ONNX Runtime session is set up for a model. Everything
 * else (reading the bundle, batching, padding, normalising, scoring) is shared.
 *
 * <p>{@link ClipModel} calls {@link #configure} once per model on fresh options, creates the session, then asks
 * {@link #providerInUse} once. Implementations must not keep the options.
 */
public interface SessionConfigurer {

    /** The execution provider this configurer asks for, e.g. {@code "CPU"} or {@code "DirectML"}. */
    String provider();

    /**
     * Applies provider, threads, optimisation level and, where wanted, a fixed batch size
     * ({@link SessionTarget#fixBatchSize}) to {@code options} for one model.
     */
    void configure(OrtSession.SessionOptions options, SessionTarget target) throws OrtException;

    /**
     * Items per run when the session's batch dimension is free after {@link #configure}; with a fixed batch the
     * session's size wins.
     */
    default int batchSize(ModelRole role) {
        return 8;
    }

    /**
     * The provider actually running the model, asked once after the session opened (an accelerator configurer
     * can check the loaded providers or profile a run here and report e.g. {@code "DirectML (97% of nodes)"} or a
     * silent CPU fallback). Defaults to {@link #provider()}.
     */
    default String providerInUse(OrtSession session, SessionTarget target) throws OrtException {
        return provider();
    }
}
