package dev.facesweep.model;

/**
 * A model bundle that cannot be used: a missing file, malformed JSON, or parts that do not fit together. The
 * message is one line naming the bundle, the part and what to do.
 */
public class BundleException extends Exception {

    public BundleException(String message) {
        super(message);
    }

    public BundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
