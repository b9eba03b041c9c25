package dev.facesweep.worker.provider;

import dev.facesweep.model.ClipModel;
import dev.facesweep.model.ModelRole;
import dev.facesweep.model.SessionConfigurer;
import java.util.OptionalDouble;

/**
 * A chosen provider, ready to open the image model: its session configurer, what to call it in heartbeats, and a
 * start-up check that proves it works once the model is open.
 */
public interface ProviderSetup {

    /** The provider the user asked for: {@code CPU}, {@code CUDA} or {@code DirectML}. */
    String configuredProvider();

    /** Device description for heartbeats, e.g. {@code Radeon RX Vega (0x1002)} or {@code cpu}. */
    String device();

    SessionConfigurer configurer();

    /**
     * Proves the provider works with the opened model (e.g. profiling a run, comparing an embedding with the CPU).
     *
     * @throws ProviderUnavailableException when it does not; the worker then applies the provider's
     *     {@link ProviderOption#fallback()}
     */
    default ProviderCheck verify(ClipModel model) throws ProviderUnavailableException {
        String inUse;
        try {
            inUse = model.sessionInfo(ModelRole.VISUAL).providerInUse();
        } catch (dev.facesweep.model.BundleException e) {
            throw new ProviderUnavailableException(e.getMessage(), e);
        }
        return new ProviderCheck(configurer().provider(), inUse, OptionalDouble.empty());
    }
}
