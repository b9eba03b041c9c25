package dev.facesweep.model;

/**
 * A model run that failed (ONNX Runtime error, unexpected output shape, non-finite embedding). Unlike a
 * {@link BundleException} this happens after the bundle was opened; callers treat it as a failed batch.
 */
public class InferenceException extends RuntimeException {

    public InferenceException(String message) {
        super(message);
    }

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
