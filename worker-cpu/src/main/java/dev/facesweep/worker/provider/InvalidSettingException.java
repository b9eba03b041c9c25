package dev.facesweep.worker.provider;

/**
 * A configured value a provider cannot use (a thread count out of range, a device that is not an index); the
 * application reports it as a configuration error naming {@link #property()}.
 */
public final class InvalidSettingException extends IllegalArgumentException {

    private final String property;
    private final String problem;

    public InvalidSettingException(String property, String problem) {
        super(property + ": " + problem);
        this.property = property;
        this.problem = problem;
    }

    /** The property to fix, e.g. {@code facesweep.worker.device}. */
    public String property() {
        return property;
    }

    /** What is wrong with it and what to do, one line. */
    public String problem() {
        return problem;
    }
}
