package dev.facesweep.worker.provider;

import java.util.Locale;

/**
 * One value of {@code --provider}: the worker application collects every option on its classpath (worker-cpu has
 * {@code cpu} and {@code cuda}; worker-dml adds {@code dml}) and sets up the one configured.
 */
public interface ProviderOption {

    /** The {@code --provider} value, lower case. */
    String name();

    /** The provider's name in heartbeats, health and metrics: {@code CPU}, {@code CUDA}, {@code DirectML}. */
    default String label() {
        return name().toUpperCase(Locale.ROOT);
    }

    /**
     * Batch size and threads when the configuration leaves them open, for a machine with {@code cores} cores
     * (docs/tuning.md). Accelerators share {@link WorkerTuning#acceleratorDefaults}; the CPU provider has its own.
     */
    default WorkerTuning defaults(int cores) {
        return WorkerTuning.acceleratorDefaults(name(), cores);
    }

    /**
     * What the worker does when this provider cannot run ({@link #setUp} or the setup's check throws
     * {@link ProviderUnavailableException}, or the model does not open with it): exit (the default) or run on
     * the CPU. Set by {@link ProviderFallback#property} of {@link #name()}.
     */
    default ProviderFallback fallback() {
        return ProviderFallback.FAIL;
    }

    /**
     * Prepares the provider for the image model with the resolved batch size, threads and device.
     *
     * @throws ProviderUnavailableException when the provider cannot run here (one line saying what to do); the
     *     worker then applies {@link #fallback()}
     * @throws InvalidSettingException when a setting (e.g. the device) cannot mean anything for this provider
     */
    ProviderSetup setUp(ProviderSettings settings) throws ProviderUnavailableException;
}
