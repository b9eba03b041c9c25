package dev.facesweep.worker.provider;

import dev.facesweep.protocol.Heartbeat;
import java.util.ArrayList;
import java.util.List;

/**
 * How a worker splits its work: images per model run, ONNX Runtime intra-op threads, threads reading and
 * preprocessing images. Each value is the configured one when set, otherwise the provider's default for this many
 * cores ({@link ProviderOption#defaults}); {@link #origin()} says which, in one line, and goes into the heartbeat.
 *
 * <p>Why these defaults (docs/tuning.md has the measurements): on the CPU provider inference and decoding compete
 * for the same cores, and preparing a 512x512 PNG costs about 1 % of a ViT-L-14 inference, so inference gets every
 * core and one thread decodes the next batch meanwhile; on an accelerator the CPU's only job is to keep the device
 * fed, so decoding gets every core but one.
 *
 * @param batchSize images per model run (a fixed-batch bundle overrides it when the session opens)
 * @param intraOpThreads ONNX Runtime threads per run; 0 leaves it to ONNX Runtime
 * @param decodeThreads threads reading and preprocessing images
 * @param origin where the values came from, e.g. {@code cpu defaults for 8 cores}
 */
public record WorkerTuning(int batchSize, int intraOpThreads, int decodeThreads, String origin) {

    public WorkerTuning {
        if (batchSize < 1 || intraOpThreads < 0 || decodeThreads < 1) {
            throw new IllegalArgumentException("batch size and decode threads must be at least 1 and intra-op "
                    + "threads at least 0, were " + batchSize + ", " + decodeThreads + " and " + intraOpThreads);
        }
    }

    /**
     * A provider's defaults for a machine with {@code cores} cores (the accelerator defaults unless the provider
     * says otherwise): batch {@value #ACCELERATOR_BATCH_SIZE}, ONNX Runtime's own intra-op threads (they only run
     * the nodes the device does not take), every core but one decoding, at most {@value #MAX_DECODE_THREADS}.
     */
    static WorkerTuning acceleratorDefaults(String provider, int cores) {
        int decode = Math.max(1, Math.min(MAX_DECODE_THREADS, cores - 1));
        return new WorkerTuning(ACCELERATOR_BATCH_SIZE, 0, decode, provider + " defaults for " + cores + " cores");
    }

    /** Images per run on accelerators: DirectML and CUDA run a fixed batch, padded at the end of a run. */
    public static final int ACCELERATOR_BATCH_SIZE = 16;
    /** More decoders than this do not pay on any device seen so far (one decodes ~100 PNGs/s). */
    public static final int MAX_DECODE_THREADS = 8;

    /**
     * The configured values where given (null = not configured), the provider's defaults for {@code cores} cores
     * for the rest.
     *
     * @throws InvalidSettingException when a configured value is out of range
     */
    public static WorkerTuning resolve(ProviderOption provider, int cores, Integer batchSize, Integer intraOpThreads,
            Integer decodeThreads) {
        return new Request(cores, batchSize, intraOpThreads, decodeThreads).resolve(provider);
    }

    /**
     * What the configuration says (null = not configured) and how many cores the worker has: resolved against the
     * configured provider first, and against the CPU provider again when the worker falls back to it.
     *
     * @param cores processors the JVM sees
     * @param batchSize {@code facesweep.worker.batch-size}, or null
     * @param intraOpThreads {@code facesweep.worker.intra-op-threads}, or null
     * @param decodeThreads {@code facesweep.worker.decode-threads}, or null
     */
    public record Request(int cores, Integer batchSize, Integer intraOpThreads, Integer decodeThreads) {

        /** @throws InvalidSettingException when a configured value is out of range */
        public Request {
            if (cores < 1) {
                throw new IllegalArgumentException("cores must be at least 1, was " + cores);
            }
            check("facesweep.worker.batch-size", batchSize, 1);
            check("facesweep.worker.intra-op-threads", intraOpThreads, 0);
            check("facesweep.worker.decode-threads", decodeThreads, 1);
        }

        /** The configured values, {@code provider}'s defaults for the rest. */
        public WorkerTuning resolve(ProviderOption provider) {
            WorkerTuning defaults = provider.defaults(cores);
            List<String> configured = new ArrayList<>();
            if (batchSize != null) {
                configured.add("batch size");
            }
            if (intraOpThreads != null) {
                configured.add("intra-op threads");
            }
            if (decodeThreads != null) {
                configured.add("decode threads");
            }
            String origin = configured.size() == 3 ? "configured"
                    : configured.isEmpty() ? defaults.origin()
                    : "configured " + String.join(", ", configured) + "; " + defaults.origin();
            return new WorkerTuning(batchSize != null ? batchSize : defaults.batchSize(),
                    intraOpThreads != null ? intraOpThreads : defaults.intraOpThreads(),
                    decodeThreads != null ? decodeThreads : defaults.decodeThreads(), origin);
        }

        private static void check(String property, Integer value, int min) {
            if (value != null && value < min) {
                throw new InvalidSettingException(property, "must be " + min + " or more, was " + value);
            }
        }
    }

    /**
     * This tuning, used because {@code configured} could not run: the origin says so, e.g.
     * {@code cpu defaults for 8 cores (fallback from cuda)}.
     */
    public WorkerTuning fallbackFrom(String configured) {
        return new WorkerTuning(batchSize, intraOpThreads, decodeThreads,
                origin + " (fallback from " + configured + ")");
    }

    /** What the provider is told. */
    public ProviderSettings providerSettings(String device) {
        return new ProviderSettings(batchSize, intraOpThreads, device);
    }

    /** The heartbeat's report of this tuning. */
    public Heartbeat.Tuning heartbeat() {
        return new Heartbeat.Tuning(intraOpThreads, decodeThreads, origin);
    }

    @Override
    public String toString() {
        return "batch " + batchSize + ", " + (intraOpThreads == 0 ? "ONNX Runtime's default" : intraOpThreads)
                + " intra-op thread(s), " + decodeThreads + " decode thread(s) (" + origin + ")";
    }
}
