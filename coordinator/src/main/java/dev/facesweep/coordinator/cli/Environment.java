package dev.facesweep.coordinator.cli;

import java.util.Map;

/**
 * The environment variables the commands read, named in one place. Commands take the environment from
 * {@link #current()} rather than {@link System#getenv()}, so tests that run them in-process can give them a
 * controlled environment; the logic that reads variables takes the map as a parameter.
 */
public final class Environment {

    /** Default state folder of every command (scan store, plans, journals). */
    public static final String STATE = "FACESWEEP_STATE";
    /** JDBC URL of the scan store (default: SQLite in the state folder). */
    public static final String STORE_URL = "FACESWEEP_STORE_URL";
    public static final String STORE_USER = "FACESWEEP_STORE_USER";
    public static final String STORE_PASSWORD = "FACESWEEP_STORE_PASSWORD";
    public static final String BROKER_USER = "FACESWEEP_BROKER_USER";
    public static final String BROKER_PASSWORD = "FACESWEEP_BROKER_PASSWORD";
    /** Prefix of every queue and exchange name; the workers read the same variable (facesweep.amqp.prefix). */
    public static final String AMQP_PREFIX = "FACESWEEP_AMQP_PREFIX";

    private static volatile Map<String, String> replaced;

    private Environment() {
    }

    /** The process environment, or what a test gave {@link #use}. */
    public static Map<String, String> current() {
        Map<String, String> env = replaced;
        return env != null ? env : System.getenv();
    }

    /** The variable's value in {@code env}, or null when unset or blank. */
    public static String get(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    /** For tests: commands see {@code env} from now on; null gives them the process environment again. */
    public static void use(Map<String, String> env) {
        replaced = env == null ? null : Map.copyOf(env);
    }
}
