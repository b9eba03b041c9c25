package dev.facesweep.coordinator.review;

/** A thumbnail could not be made; the message names the file and what to do. */
public class ThumbnailException extends Exception {

    public ThumbnailException(String message) {
        super(message);
    }

    public ThumbnailException(String message, Throwable cause) {
        super(message, cause);
    }
}
