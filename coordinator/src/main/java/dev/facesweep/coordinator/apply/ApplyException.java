package dev.facesweep.coordinator.apply;

/** Apply or revert cannot start (no such apply, refused, locked); the message is one line saying what to do. */
public class ApplyException extends RuntimeException {

    public ApplyException(String message) {
        super(message);
    }

    public ApplyException(String message, Throwable cause) {
        super(message, cause);
    }
}
