package dev.facesweep.worker.provider;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.facesweep.model.ModelRole;
import dev.facesweep.model.SessionConfigurer;
import dev.facesweep.model.SessionTarget;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code --provider cuda}: ONNX Runtime's CUDA provider, available only when the worker is built with
 * {@code -Pgpu} (the {@code onnxruntime_gpu} artifact instead of {@code onnxruntime}, same version) and the machine
 * has an NVIDIA driver and the CUDA and cuDNN libraries that artifact loads (docs/tuning.md). The batch dimension
 * is fixed (the last run is padded); {@code facesweep.worker.device} is the CUDA device index.
 *
 * <p>When CUDA cannot run, {@code facesweep.worker.cuda.fallback} decides, as for DirectML: {@code fail} (default)
 * exits 2 with one line saying what to do, {@code cpu} warns loudly and runs on the CPU.
 */
public final class CudaProvider implements ProviderOption {

    public static final String NAME = "cuda";
    static final String LABEL = "CUDA";
    /** What the {@code onnxruntime_gpu} jar needs at run time, for messages. */
    static final String REQUIREMENTS = "onnxruntime_gpu 1.24.2 needs Linux or Windows x64, an NVIDIA driver and the "
            + "CUDA 12 and cuDNN 9 libraries (libcudart.so.12, libcublas.so.12, libcudnn.so.9, ...) on the library "
            + "path, docs/tuning.md";

    private final ProviderFallback fallback;
    private final Supplier<Set<OrtProvider>> compiledIn;

    /** The CUDA provider of this process's ONNX Runtime, with the given fallback policy. */
    public CudaProvider(ProviderFallback fallback) {
        this(fallback, OrtEnvironment::getAvailableProviders);
    }

    /**
     * @param compiledIn the providers the loaded ONNX Runtime was built with (tests pass a stand-in to reach the
     *     steps after this check on a build without CUDA)
     */
    public CudaProvider(ProviderFallback fallback, Supplier<Set<OrtProvider>> compiledIn) {
        this.fallback = fallback;
        this.compiledIn = compiledIn;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String label() {
        return LABEL;
    }

    @Override
    public ProviderFallback fallback() {
        return fallback;
    }

    @Override
    public ProviderSetup setUp(ProviderSettings settings) throws ProviderUnavailableException {
        int deviceId = deviceIndex(settings.device());
        Set<OrtProvider> providers = compiledIn.get();
        if (!providers.contains(OrtProvider.CUDA)) {
            throw new ProviderUnavailableException("provider cuda is not in this build's ONNX Runtime (it has "
                    + providers + "): build the worker with ./mvnw -Pgpu -DskipTests package, which uses the "
                    + "onnxruntime_gpu artifact (" + REQUIREMENTS + "), or use --provider cpu");
        }
        CudaSessionConfigurer configurer = new CudaSessionConfigurer(deviceId,
                settings.batchSizeOr(WorkerTuning.ACCELERATOR_BATCH_SIZE), settings.intraOpThreads());
        return new ProviderSetup() {
            @Override
            public String configuredProvider() {
                return LABEL;
            }

            @Override
            public String device() {
                return "cuda:" + deviceId;
            }

            @Override
            public SessionConfigurer configurer() {
                return configurer;
            }

            @Override
            public String toString() {
                return configurer.toString();
            }
        };
    }

    /**
     * The CUDA device index in {@code facesweep.worker.device}: empty for 0.
     *
     * @throws InvalidSettingException for anything but a non-negative number
     */
    static int deviceIndex(String device) {
        if (device.isEmpty()) {
            return 0;
        }
        if (device.length() <= 4 && device.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Integer.parseInt(device);
        }
        throw new InvalidSettingException("facesweep.worker.device", "provider cuda takes a CUDA device index (0, "
                + "1, ... as nvidia-smi numbers them), not '" + device + "'");
    }

    /**
     * The CUDA session: all graph optimisations, the batch fixed with {@code setSymbolicDimensionValue}, the CUDA
     * provider on one device (nodes it cannot run stay on the CPU provider, with the configured threads).
     */
    static final class CudaSessionConfigurer implements SessionConfigurer {

        private final int deviceId;
        private final int batchSize;
        private final int intraOpThreads;

        CudaSessionConfigurer(int deviceId, int batchSize, int intraOpThreads) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, was " + batchSize);
            }
            this.deviceId = deviceId;
            this.batchSize = batchSize;
            this.intraOpThreads = intraOpThreads;
        }

        @Override
        public String provider() {
            return LABEL;
        }

        @Override
        public void configure(OrtSession.SessionOptions options, SessionTarget target) throws OrtException {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            target.fixBatchSize(options, batchSize);
            try {
                options.addCUDA(deviceId);
            } catch (OrtException e) {
                throw new OrtException("the CUDA provider does not load: " + reason(e) + "; " + REQUIREMENTS);
            }
        }

        /** ONNX Runtime's message on one line, without its {@code Error code - X - message:} prefix. */
        private static String reason(OrtException e) {
            String message = String.valueOf(e.getMessage()).replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
            return message.replaceFirst("^Error code - [A-Z_]+ - message: ", "");
        }

        @Override
        public int batchSize(ModelRole role) {
            return batchSize;
        }

        @Override
        public String toString() {
            return "CUDA (device " + deviceId + ", batch " + batchSize + " fixed, intra-op threads "
                    + (intraOpThreads == 0 ? "default" : intraOpThreads) + ")";
        }
    }
}
