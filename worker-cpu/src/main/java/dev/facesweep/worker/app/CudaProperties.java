package dev.facesweep.worker.app;

import dev.facesweep.worker.provider.InvalidSettingException;
import dev.facesweep.worker.provider.ProviderFallback;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code facesweep.worker.cuda.*}: CUDA options (the device index itself is {@code facesweep.worker.device}).
 *
 * @param fallback {@code fail} (default: exit 2 when CUDA cannot run) or {@code cpu} (run on the CPU with a loud
 *     warning; heartbeats, health and {@code facesweep_worker_provider_info} show provider CPU, configured CUDA),
 *     like {@code facesweep.worker.dml.fallback}
 */
@ConfigurationProperties("facesweep.worker.cuda")
public record CudaProperties(String fallback) {

    static final String FALLBACK = ProviderFallback.property("cuda");

    /** @throws ConfigurationException naming the property when it is neither fail nor cpu */
    ProviderFallback fallbackPolicy() {
        try {
            return ProviderFallback.parse(FALLBACK, fallback);
        } catch (InvalidSettingException e) {
            throw new ConfigurationException(e.property(), e.problem());
        }
    }
}
