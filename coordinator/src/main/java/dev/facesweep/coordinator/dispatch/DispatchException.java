package dev.facesweep.coordinator.dispatch;

/** The transport could not be reached or did not take a message in time; the message is one line. */
public class DispatchException extends Exception {

    public DispatchException(String message) {
        super(message);
    }

    public DispatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
