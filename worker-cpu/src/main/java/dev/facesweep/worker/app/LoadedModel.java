package dev.facesweep.worker.app;

import dev.facesweep.model.BundleException;
import dev.facesweep.model.ClipModel;
import dev.facesweep.model.ModelBundle;
import dev.facesweep.model.ModelRole;
import dev.facesweep.worker.provider.ProviderCheck;
import dev.facesweep.worker.provider.ProviderSetup;
import dev.facesweep.worker.provider.ProviderUnavailableException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image model opened with the chosen provider and proven to work, or with the provider's fallback.
 *
 * @param model the open model (visual session only)
 * @param setup the provider setup actually used
 * @param check what the provider's start-up check found
 */
record LoadedModel(ClipModel model, ProviderSetup setup, ProviderCheck check) implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LoadedModel.class);

    /** True when the provider in use is not the one configured (a fallback happened). */
    boolean fellBack() {
        return !check.providerInUse().equalsIgnoreCase(setup.configuredProvider());
    }

    /**
     * Loads the bundle, opens its image model with {@code setup} and runs the provider's check; on failure uses
     * the setup's fallback when it has one.
     *
     * @throws ConfigurationException when the bundle is unusable
     * @throws ProviderUnavailableException when the provider fails and has no fallback
     */
    static LoadedModel open(Path dir, ProviderSetup setup) throws ProviderUnavailableException {
        ModelBundle bundle;
        try {
            bundle = ModelBundle.load(dir);
        } catch (BundleException e) {
            throw new ConfigurationException("facesweep.worker.model", e.getMessage());
        }
        try {
            return openWith(bundle, setup);
        } catch (ProviderUnavailableException e) {
            Optional<ProviderSetup> fallback = setup.fallback();
            if (fallback.isEmpty()) {
                throw e;
            }
            log.warn("!!! {} is not usable: {}", setup.configuredProvider(), e.getMessage());
            log.warn("!!! FALLING BACK TO THE CPU: this worker will be far slower than configured; the heartbeat, "
                    + "/actuator/health and the facesweep_worker_provider_info metric show provider=CPU");
            try {
                return openWith(bundle, fallback.get());
            } catch (ProviderUnavailableException again) {
                throw new ProviderUnavailableException(e.getMessage() + "; the CPU fallback failed too: "
                        + again.getMessage(), again);
            }
        }
    }

    private static LoadedModel openWith(ModelBundle bundle, ProviderSetup setup) throws ProviderUnavailableException {
        ClipModel model;
        try {
            model = ClipModel.open(bundle, setup.configurer(), ModelRole.VISUAL);
        } catch (BundleException e) {
            throw new ProviderUnavailableException(setup.configuredProvider() + " cannot open the image model: "
                    + e.getMessage(), e);
        }
        try {
            ProviderCheck check = setup.verify(model);
            log.info("image model {} on {} ({})", bundle.modelId(), check.providerInUse(), check.detail());
            return new LoadedModel(model, setup, check);
        } catch (ProviderUnavailableException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
