package dev.facesweep.coordinator.scan;

import java.util.function.UnaryOperator;

/** Environment variables the commands read, behind a seam so tests can set them. */
final class Environment {

    static final String MODEL = "FACESWEEP_MODEL";
    static final String STATE = "FACESWEEP_STATE";
    static final String STORE_URL = "FACESWEEP_STORE_URL";
    static final String STORE_USER = "FACESWEEP_STORE_USER";
    static final String STORE_PASSWORD = "FACESWEEP_STORE_PASSWORD";
    static final String BROKER_USER = "FACESWEEP_BROKER_USER";
    static final String BROKER_PASSWORD = "FACESWEEP_BROKER_PASSWORD";
    /** Prefix of every queue and exchange name; the workers read the same variable (facesweep.amqp.prefix). */
    static final String AMQP_PREFIX = "FACESWEEP_AMQP_PREFIX";

    private static volatile UnaryOperator<String> lookup = System::getenv;

    private Environment() {
    }

    /** The variable's value, or null when unset or blank. */
    static String get(String name) {
        String value = lookup.apply(name);
        return value == null || value.isBlank() ? null : value;
    }

    /** For tests: replaces the environment; pass {@code System::getenv} to restore it. */
    static void use(UnaryOperator<String> environment) {
        lookup = environment;
    }
}
