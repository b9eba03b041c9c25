package dev.facesweep.worker.app;

import dev.facesweep.model.BundleException;
import dev.facesweep.model.ClipModel;
import dev.facesweep.model.ModelBundle;
import dev.facesweep.model.ModelRole;
import dev.facesweep.worker.provider.CpuProvider;
import dev.facesweep.worker.provider.InvalidSettingException;
import dev.facesweep.worker.provider.ProviderCheck;
import dev.facesweep.worker.provider.ProviderFallback;
import dev.facesweep.worker.provider.ProviderOption;
import dev.facesweep.worker.provider.ProviderSetup;
import dev.facesweep.worker.provider.ProviderUnavailableException;
import dev.facesweep.worker.provider.WorkerTuning;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image model opened with the chosen provider and proven to work, or, when the provider cannot run and its
 * fallback policy is {@link ProviderFallback#CPU}, with the CPU provider.
 *
 * @param model the open model (visual session only)
 * @param setup the provider setup actually used
 * @param check what the provider's start-up check found
 * @param tuning batch size and threads in use: the configured provider's, or the CPU's after a fallback
 */
record LoadedModel(ClipModel model, ProviderSetup setup, ProviderCheck check, WorkerTuning tuning)
        implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LoadedModel.class);

    /** True when the provider in use is not the one configured (a fallback happened). */
    boolean fellBack() {
        return !check.providerInUse().equalsIgnoreCase(setup.configuredProvider());
    }

    /**
     * Resolves the tuning for {@code option}, sets the provider up, loads the bundle, opens its image model and runs
     * the provider's check. When any provider step fails: exits through the exception under
     * {@link ProviderFallback#FAIL}, or starts over on the CPU, with the CPU's tuning, under
     * {@link ProviderFallback#CPU}.
     *
     * @throws ConfigurationException when the bundle or a setting is unusable
     * @throws ProviderUnavailableException when the provider fails and the policy is to fail; the message ends
     *     with the property that would make the worker fall back
     */
    static LoadedModel open(Path dir, ProviderOption option, WorkerTuning.Request request, String device)
            throws ProviderUnavailableException {
        WorkerTuning tuning = tuning(request, option);
        ModelBundle bundle;
        try {
            bundle = ModelBundle.load(dir);
        } catch (BundleException e) {
            throw new ConfigurationException("facesweep.worker.model", e.getMessage());
        }
        try {
            return openWith(bundle, setUp(option, tuning, device), tuning);
        } catch (ProviderUnavailableException e) {
            String property = ProviderFallback.property(option.name());
            if (option.fallback() != ProviderFallback.CPU) {
                throw new ProviderUnavailableException(e.getMessage() + "; or set " + property + "=cpu to run on "
                        + "the CPU instead", e);
            }
            WorkerTuning cpuTuning = tuning(request, new CpuProvider()).fallbackFrom(option.name());
            log.warn("!!! {} is not usable: {}", option.label(), e.getMessage());
            log.warn("!!! {}=cpu: RUNNING ON THE CPU INSTEAD OF {}: this worker is far slower than configured; "
                    + "heartbeats, /actuator/health and facesweep_worker_provider_info show provider=CPU, "
                    + "configured_provider={}", property, option.label(), option.label());
            log.info("tuning: {}", cpuTuning);
            try {
                return openWith(bundle, CpuProvider.cpu(cpuTuning.providerSettings(""), option.label()), cpuTuning);
            } catch (ProviderUnavailableException again) {
                throw new ProviderUnavailableException(e.getMessage() + "; the CPU fallback failed too: "
                        + again.getMessage(), again);
            }
        }
    }

    private static WorkerTuning tuning(WorkerTuning.Request request, ProviderOption option) {
        WorkerTuning tuning = request.resolve(option);
        log.info("tuning: {}", tuning);
        return tuning;
    }

    private static ProviderSetup setUp(ProviderOption option, WorkerTuning tuning, String device)
            throws ProviderUnavailableException {
        try {
            return option.setUp(tuning.providerSettings(device));
        } catch (InvalidSettingException e) {
            throw new ConfigurationException(e.property(), e.problem());
        }
    }

    private static LoadedModel openWith(ModelBundle bundle, ProviderSetup setup, WorkerTuning tuning)
            throws ProviderUnavailableException {
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
            return new LoadedModel(model, setup, check, tuning);
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
