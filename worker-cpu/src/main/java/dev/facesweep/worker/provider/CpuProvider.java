package dev.facesweep.worker.provider;

import dev.facesweep.model.CpuSessionConfigurer;
import dev.facesweep.model.SessionConfigurer;

/** {@code --provider cpu}: ONNX Runtime's CPU provider with a dynamic batch. */
public final class CpuProvider implements ProviderOption {

    public static final String NAME = "cpu";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Inference gets every core ({@code intra-op threads = cores}) and one thread decodes the next batch meanwhile:
     * decoding a 512x512 PNG costs about 1 % of a ViT-L-14 inference, so taking a core from ONNX Runtime for it
     * would cost far more than it saves. Batch {@value CpuSessionConfigurer#DEFAULT_BATCH_SIZE}: on the CPU the
     * batch size hardly changes throughput (docs/benchmarks.md); a moderate one keeps memory and latency low.
     */
    @Override
    public WorkerTuning defaults(int cores) {
        return new WorkerTuning(CpuSessionConfigurer.DEFAULT_BATCH_SIZE, cores, 1,
                NAME + " defaults for " + cores + " cores");
    }

    @Override
    public ProviderSetup setUp(ProviderSettings settings) {
        return cpu(settings, "CPU");
    }

    /**
     * The CPU setup, reporting {@code configuredProvider} as what was asked for (so a fallback from an accelerator
     * shows up in heartbeats and metrics).
     */
    public static ProviderSetup cpu(ProviderSettings settings, String configuredProvider) {
        SessionConfigurer configurer = new CpuSessionConfigurer(settings.intraOpThreads(),
                settings.batchSizeOr(CpuSessionConfigurer.DEFAULT_BATCH_SIZE));
        return new ProviderSetup() {
            @Override
            public String configuredProvider() {
                return configuredProvider;
            }

            @Override
            public String device() {
                return "cpu";
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
}
