package dev.facesweep.worker.provider;

/**
 * One value of {@code --provider}: the worker application collects every option on its classpath (worker-cpu has
 * {@code cpu} and {@code cuda}; worker-dml adds {@code dml}) and sets up the one configured.
 */
public interface ProviderOption {

    /** The {@code --provider} value, lower case. */
    String name();

    /**
     * Batch size and threads when the configuration leaves them open, for a machine with {@code cores} cores
     * (docs/tuning.md). Accelerators share {@link WorkerTuning#acceleratorDefaults}; the CPU provider has its own.
     */
    default WorkerTuning defaults(int cores) {
        return WorkerTuning.acceleratorDefaults(name(), cores);
    }

    /**
     * @throws ProviderUnavailableException when the provider cannot run here and no fallback applies
     */
    ProviderSetup setUp(ProviderSettings settings) throws ProviderUnavailableException;
}
