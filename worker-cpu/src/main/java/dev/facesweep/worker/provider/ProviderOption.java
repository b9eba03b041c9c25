package dev.facesweep.worker.provider;

/**
 * One value of {@code --provider}: the worker application collects every option on its classpath (worker-cpu has
 * {@code cpu} and {@code cuda}; worker-dml adds {@code dml}) and sets up the one configured.
 */
public interface ProviderOption {

    /** The {@code --provider} value, lower case. */
    String name();

    /**
     * @throws ProviderUnavailableException when the provider cannot run here and no fallback applies
     */
    ProviderSetup setUp(ProviderSettings settings) throws ProviderUnavailableException;
}
