package dev.facesweep.coordinator.cli;

/**
 * A usage or configuration problem the user can fix: the CLI prints its one-line message and exits with 2.
 */
public class UsageError extends RuntimeException {

    public UsageError(String message) {
        super(message);
    }

    public UsageError(String message, Throwable cause) {
        super(message, cause);
    }
}
