package dev.facesweep.worker.provider;

import java.util.Locale;

/**
 * What a worker does when its accelerator cannot run here ({@code facesweep.worker.<provider>.fallback}, the same
 * for every accelerator): the provider is missing from the build, no device answers, its libraries do not load,
 * or its start-up check fails.
 */
public enum ProviderFallback {

    /** Exit with code 2 and a one-line reason saying what to do (the default). */
    FAIL,
    /**
     * Run on the CPU, with a loud warning; heartbeats, {@code /actuator/health} and
     * {@code facesweep_worker_provider_info} show provider CPU against the configured one, and the tuning is the
     * CPU's.
     */
    CPU;

    /**
     * The property that sets the policy of {@code provider}, e.g. {@code facesweep.worker.cuda.fallback}.
     *
     * @param provider the {@code --provider} value
     */
    public static String property(String provider) {
        return "facesweep.worker." + provider + ".fallback";
    }

    /**
     * {@code fail} or {@code cpu}, any case; null or blank is {@link #FAIL}.
     *
     * @throws InvalidSettingException naming {@code property} for anything else
     */
    public static ProviderFallback parse(String property, String value) {
        if (value == null || value.isBlank()) {
            return FAIL;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "fail" -> FAIL;
            case "cpu" -> CPU;
            default -> throw new InvalidSettingException(property, "must be fail or cpu, was '" + value + "'");
        };
    }
}
