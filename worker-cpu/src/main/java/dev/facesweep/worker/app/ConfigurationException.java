package dev.facesweep.worker.app;

/** A configuration value that cannot be used; the message is one line starting with the property name. */
public class ConfigurationException extends RuntimeException {

    public ConfigurationException(String property, String problem) {
        super(property + ": " + problem, null, false, false);
    }
}
