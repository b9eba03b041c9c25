package dev.facesweep.coordinator.cli;

/** The launcher's exit codes (README, "Exit codes"). */
public final class ExitCode {

    /** Everything worked. */
    public static final int OK = 0;
    /** A bug or an environment failure we could not classify. */
    public static final int ERROR = 1;
    /** Usage or configuration error: nothing was done. */
    public static final int USAGE = 2;
    /** The work ran, but some items failed (each was reported). */
    public static final int SOME_FAILED = 3;

    private ExitCode() {
    }
}
