package dev.facesweep.coordinator.cli;

import java.util.List;

/** Which exceptions are the user's to fix (exit 2 with the message) rather than bugs (exit 1). */
final class ConfigurationErrors {

    private static final List<String> CONFIGURATION_EXCEPTIONS = List.of();

    private ConfigurationErrors() {
    }

    static boolean isConfigurationError(Throwable ex) {
        if (ex instanceof UsageError) {
            return true;
        }
        return CONFIGURATION_EXCEPTIONS.contains(ex.getClass().getName());
    }
}
