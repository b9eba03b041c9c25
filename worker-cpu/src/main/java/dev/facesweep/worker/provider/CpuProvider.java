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
