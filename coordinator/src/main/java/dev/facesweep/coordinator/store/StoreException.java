package dev.facesweep.coordinator.store;

/** The store could not be read or written (database unreachable, disk full...); the message is one line. */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
