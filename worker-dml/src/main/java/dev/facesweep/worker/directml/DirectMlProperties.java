package dev.facesweep.worker.directml;

import dev.facesweep.worker.app.ConfigurationException;
import dev.facesweep.worker.provider.InvalidSettingException;
import dev.facesweep.worker.provider.ProviderFallback;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code facesweep.worker.dml.*}: DirectML options (the device itself is {@code facesweep.worker.device}).
 *
 * @param fallback {@code fail} (default: exit 2 when DirectML cannot run) or {@code cpu} (run on the CPU with a
 *     loud warning; heartbeats, health and {@code facesweep_worker_provider_info} show provider CPU, configured
 *     DirectML)
 * @param performancePreference DirectML {@code performance_preference}: {@code default},
 *     {@code high_performance} or {@code minimum_power}; unset leaves ONNX Runtime's default
 * @param disableMetacommands DirectML {@code disable_metacommands} (vendor kernels off; a diagnosis aid)
 * @param minNodeFraction start-up check: smallest share of the image model's nodes that must run on DirectML
 *     (default 0.5)
 * @param minCosine start-up check: smallest cosine between a DirectML and a CPU embedding of the same input
 *     (default 0.999)
 * @param strictPlacement refuse to create the session when any node would fall back to the CPU
 *     ({@code session.disable_cpu_ep_fallback}; default false)
 * @param selfTest run the start-up embedding comparison with the CPU (default true)
 */
@ConfigurationProperties("facesweep.worker.dml")
public record DirectMlProperties(
        String fallback,
        String performancePreference,
        Boolean disableMetacommands,
        Double minNodeFraction,
        Double minCosine,
        Boolean strictPlacement,
        Boolean selfTest) {

    static final double DEFAULT_MIN_NODE_FRACTION = 0.5;
    static final double DEFAULT_MIN_COSINE = 0.999;

    /** @throws ConfigurationException naming the property when it is neither fail nor cpu */
    ProviderFallback fallbackPolicy() {
        try {
            return ProviderFallback.parse(ProviderFallback.property(DirectMlProvider.NAME), fallback);
        } catch (InvalidSettingException e) {
            throw new ConfigurationException(e.property(), e.problem());
        }
    }

    Map<String, String> providerOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        if (performancePreference != null && !performancePreference.isBlank()) {
            String p = performancePreference.strip().toLowerCase(Locale.ROOT);
            if (!p.equals("default") && !p.equals("high_performance") && !p.equals("minimum_power")) {
                throw new ConfigurationException("facesweep.worker.dml.performance-preference", "must be default, "
                        + "high_performance or minimum_power, was '" + performancePreference + "'");
            }
            options.put("performance_preference", p);
        }
        if (disableMetacommands != null) {
            options.put("disable_metacommands", disableMetacommands ? "1" : "0");
        }
        return options;
    }

    double nodeFractionMinimum() {
        return fraction("facesweep.worker.dml.min-node-fraction", minNodeFraction, DEFAULT_MIN_NODE_FRACTION);
    }

    double cosineMinimum() {
        return fraction("facesweep.worker.dml.min-cosine", minCosine, DEFAULT_MIN_COSINE);
    }

    boolean strict() {
        return Boolean.TRUE.equals(strictPlacement);
    }

    boolean runSelfTest() {
        return selfTest == null || selfTest;
    }

    private static double fraction(String property, Double value, double fallback) {
        if (value == null) {
            return fallback;
        }
        if (!(value >= 0 && value <= 1)) {
            throw new ConfigurationException(property, "must be between 0 and 1, was " + value);
        }
        return value;
    }
}
