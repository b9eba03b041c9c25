package dev.facesweep.worker.directml;

import ai.onnxruntime.OrtEpDevice;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import dev.facesweep.model.BundleException;
import dev.facesweep.model.ClipModel;
import dev.facesweep.model.SessionConfigurer;
import dev.facesweep.worker.app.ConfigurationException;
import dev.facesweep.worker.provider.ProviderCheck;
import dev.facesweep.worker.provider.ProviderFallback;
import dev.facesweep.worker.provider.ProviderOption;
import dev.facesweep.worker.provider.ProviderSettings;
import dev.facesweep.worker.provider.ProviderSetup;
import dev.facesweep.worker.provider.ProviderUnavailableException;
import dev.facesweep.worker.provider.WorkerTuning;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --provider dml}: DirectML through the public EP-device API of the stock ONNX Runtime jar with the
 * DirectML build of {@code onnxruntime.dll} swapped in (docs/windows-dml.md).
 *
 * <p>Start-up: the loaded runtime must list {@code DIRECT_ML} and at least one {@code DmlExecutionProvider}
 * device; the device is chosen by {@code facesweep.worker.device} (index or vendor); the image model opens with
 * {@link DirectMlSessionConfigurer}; then the check proves the provider is in use: share of nodes on DirectML from
 * a profiled run, and the cosine of one embedding against the CPU provider's.
 *
 * <p>When any of that fails, the {@code facesweep.worker.dml.fallback} policy decides (the worker application
 * applies it, as for every accelerator, see {@link ProviderFallback}): {@code fail} (default) stops the worker with
 * exit code 2 and a one-line reason saying how to provision the DLLs; {@code cpu} warns loudly and runs on the CPU
 * with the CPU's tuning, reporting provider CPU against configured DirectML in heartbeats, health and the
 * {@code facesweep_worker_provider_info} metric.
 */
public final class DirectMlProvider implements ProviderOption {

    private static final Logger log = LoggerFactory.getLogger(DirectMlProvider.class);

    public static final String NAME = "dml";
    static final String HOW_TO_PROVISION = "provision onnxruntime.dll (NuGet Microsoft.ML.OnnxRuntime.DirectML "
            + "1.24.x) and DirectML.dll (Microsoft.AI.DirectML 1.15.x) in one folder with "
            + "deploy/windows/install-worker.ps1 and start the JVM with "
            + "-Donnxruntime.native.onnxruntime.path=<folder>\\onnxruntime.dll (docs/windows-dml.md)";

    private final DirectMlProperties properties;
    private final DirectMlRuntime runtime;
    private final ProviderFallback fallback;

    /** @throws ConfigurationException when {@code facesweep.worker.dml.fallback} is neither fail nor cpu */
    DirectMlProvider(DirectMlProperties properties, DirectMlRuntime runtime) {
        this.properties = properties;
        this.runtime = runtime;
        this.fallback = properties.fallbackPolicy();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String label() {
        return DirectMlSessionConfigurer.PROVIDER;
    }

    @Override
    public ProviderFallback fallback() {
        return fallback;
    }

    @Override
    public ProviderSetup setUp(ProviderSettings settings) throws ProviderUnavailableException {
        List<OrtEpDevice> devices = List.of();
        String problem = null;
        Set<OrtProvider> providers = runtime.providers();
        if (!providers.contains(OrtProvider.DIRECT_ML)) {
            problem = "the loaded ONNX Runtime has no DirectML provider (it has " + providers + ")";
        } else {
            try {
                devices = runtime.dmlDevices();
            } catch (OrtException e) {
                problem = "ONNX Runtime cannot list its devices: " + e.getMessage();
            }
            if (problem == null && devices.isEmpty()) {
                problem = "ONNX Runtime lists no DirectML device (no DirectX 12 GPU, or a DirectML.dll older than "
                        + "1.15 next to onnxruntime.dll)";
            }
        }
        if (problem != null) {
            throw new ProviderUnavailableException("DirectML is not available: " + (windows() ? "" : "it needs "
                    + "Windows and ") + problem + "; " + HOW_TO_PROVISION);
        }
        List<DmlDevice> described = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            described.add(DmlDevice.of(i, devices.get(i)));
        }
        DmlDevice chosen;
        try {
            chosen = DmlDevice.choose(described, settings.device());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("facesweep.worker.device", e.getMessage());
        }
        log.info("DirectML devices: {}; using {}", described.stream().map(DmlDevice::label).toList(), chosen.label());
        int batch = settings.batchSizeOr(WorkerTuning.ACCELERATOR_BATCH_SIZE);
        DirectMlSessionConfigurer configurer = new DirectMlSessionConfigurer(devices.get(chosen.index()),
                properties.providerOptions(), batch, settings.intraOpThreads(), properties.strict(),
                Path.of(System.getProperty("java.io.tmpdir")));
        return new DmlSetup(configurer, chosen);
    }

    private final class DmlSetup implements ProviderSetup {
        private final DirectMlSessionConfigurer configurer;
        private final DmlDevice device;

        DmlSetup(DirectMlSessionConfigurer configurer, DmlDevice device) {
            this.configurer = configurer;
            this.device = device;
        }

        @Override
        public String configuredProvider() {
            return DirectMlSessionConfigurer.PROVIDER;
        }

        @Override
        public String device() {
            return device.label();
        }

        @Override
        public SessionConfigurer configurer() {
            return configurer;
        }

        @Override
        public ProviderCheck verify(ClipModel model) throws ProviderUnavailableException {
            OptionalDouble fraction = configurer.nodeFraction();
            if (fraction.isEmpty()) {
                throw new ProviderUnavailableException("DirectML start-up check: cannot tell where the image model "
                        + "runs (" + configurer.placementProblem() + ")");
            }
            double share = fraction.getAsDouble();
            if (share < properties.nodeFractionMinimum()) {
                throw new ProviderUnavailableException(String.format(Locale.ROOT, "DirectML start-up check: only "
                        + "%.0f%% of the image model's nodes run on DirectML (minimum %.0f%%, "
                        + "facesweep.worker.dml.min-node-fraction); check the DLL versions (%s)", 100 * share,
                        100 * properties.nodeFractionMinimum(), HOW_TO_PROVISION));
            }
            if (share < 0.95) {
                log.warn("only {}% of the image model's nodes run on DirectML; the rest run on the CPU and slow it "
                        + "down", Math.round(100 * share));
            }
            String cosineText = "self-test off";
            if (properties.runSelfTest()) {
                double cosine;
                try {
                    cosine = EmbeddingSelfTest.cosineToCpu(model);
                } catch (BundleException | RuntimeException e) {
                    throw new ProviderUnavailableException("DirectML start-up check: the comparison with the CPU "
                            + "failed: " + e.getMessage(), e);
                }
                if (!(cosine >= properties.cosineMinimum())) {
                    throw new ProviderUnavailableException(String.format(Locale.ROOT, "DirectML start-up check: its "
                            + "embedding differs from the CPU's (cosine %.6f < %s); known DirectML LayerNorm issues "
                            + "on some ViT graphs: keep the model fp32, update the DLLs, or use --provider cpu",
                            cosine, properties.cosineMinimum()));
                }
                cosineText = String.format(Locale.ROOT, "cosine to CPU %.6f", cosine);
            }
            return new ProviderCheck(DirectMlSessionConfigurer.PROVIDER, String.format(Locale.ROOT,
                    "%.0f%% of nodes on DirectML, %s, %s", 100 * share, device.label(), cosineText), fraction);
        }
    }

    private static boolean windows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }
}
