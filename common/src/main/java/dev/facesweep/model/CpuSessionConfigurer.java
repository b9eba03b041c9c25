package dev.facesweep.model;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * ONNX Runtime's CPU provider with all graph optimisations and a dynamic batch.
 *
 * @see SessionConfigurer
 */
public final class CpuSessionConfigurer implements SessionConfigurer {

    /** A reasonable dynamic batch for CPU inference: larger batches do not raise throughput. */
    public static final int DEFAULT_BATCH_SIZE = 8;

    private final int intraOpThreads;
    private final int batchSize;

    /**
     * @param intraOpThreads threads per model run; 0 lets ONNX Runtime use one per core. Leave cores for decoding.
     * @param batchSize images or prompts per run
     */
    public CpuSessionConfigurer(int intraOpThreads, int batchSize) {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intra-op threads must be 0 (ONNX Runtime default) or more, was "
                    + intraOpThreads);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, was " + batchSize);
        }
        this.intraOpThreads = intraOpThreads;
        this.batchSize = batchSize;
    }

    /** ONNX Runtime's default threads, batch {@value #DEFAULT_BATCH_SIZE}. */
    public CpuSessionConfigurer() {
        this(0, DEFAULT_BATCH_SIZE);
    }

    @Override
    public String provider() {
        return "CPU";
    }

    @Override
    public void configure(OrtSession.SessionOptions options, SessionTarget target) throws OrtException {
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (intraOpThreads > 0) {
            options.setIntraOpNumThreads(intraOpThreads);
        }
    }

    @Override
    public int batchSize(ModelRole role) {
        return batchSize;
    }

    public int intraOpThreads() {
        return intraOpThreads;
    }

    @Override
    public String toString() {
        return "CPU (intra-op threads " + (intraOpThreads == 0 ? "default" : intraOpThreads) + ", batch "
                + batchSize + ")";
    }
}
