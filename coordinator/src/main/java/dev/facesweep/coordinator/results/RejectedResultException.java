package dev.facesweep.coordinator.results;

/** A result message this coordinator cannot use (e.g. made for another model or prompt set); one line. */
public class RejectedResultException extends Exception {

    public RejectedResultException(String message) {
        super(message);
    }
}
