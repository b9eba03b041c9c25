package dev.facesweep.worker.provider;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.facesweep.model.ModelRole;
import dev.facesweep.model.SessionConfigurer;
import dev.facesweep.model.SessionTarget;

/**
 * {@code --provider cuda}: ONNX Runtime's CUDA provider, available only when the build uses the
 * {@code onnxruntime_gpu} artifact ({@code ./mvnw -Donnxruntime.artifact=onnxruntime_gpu package}) and the machine
 * has the CUDA and cuDNN libraries that artifact needs. The batch dimension is fixed (padded last run).
 */
public final class CudaProvider implements ProviderOption {

    public static final String NAME = "cuda";
    static final int DEFAULT_BATCH_SIZE = 16;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ProviderSetup setUp(ProviderSettings settings) throws ProviderUnavailableException {
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            throw new ProviderUnavailableException("provider cuda is not in this build's ONNX Runtime (it has "
                    + OrtEnvironment.getAvailableProviders() + "): build the worker with "
                    + "-Donnxruntime.artifact=onnxruntime_gpu on a machine with CUDA and cuDNN, or use --provider cpu");
        }
        int deviceId;
        try {
            deviceId = settings.device().isEmpty() ? 0 : Integer.parseInt(settings.device());
        } catch (NumberFormatException e) {
            throw new ProviderUnavailableException("provider cuda takes a device index (0, 1, ...), not '"
                    + settings.device() + "'");
        }
        int batch = settings.batchSizeOr(DEFAULT_BATCH_SIZE);
        SessionConfigurer configurer = new SessionConfigurer() {
            @Override
            public String provider() {
                return "CUDA";
            }

            @Override
            public void configure(OrtSession.SessionOptions options, SessionTarget target) throws OrtException {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                options.addCUDA(deviceId);
                target.fixBatchSize(options, batch);
            }

            @Override
            public int batchSize(ModelRole role) {
                return batch;
            }
        };
        return new ProviderSetup() {
            @Override
            public String configuredProvider() {
                return "CUDA";
            }

            @Override
            public String device() {
                return "cuda:" + deviceId;
            }

            @Override
            public SessionConfigurer configurer() {
                return configurer;
            }
        };
    }
}
