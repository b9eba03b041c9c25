package dev.facesweep.coordinator.modelpull;

/** A pull that could not finish. The message is one line that names the model, file or URL and what to do. */
public final class ModelPullException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a pull stopped; the CLI maps these to exit codes. */
    public enum Reason {
        /** The name is malformed, or the hub has no such repository: a usage error. */
        NOT_FOUND,
        /** The hub refused access (401/403): a token is missing or lacks rights. */
        ACCESS_DENIED,
        /** The repository exists but is not an Immich-format CLIP bundle. */
        NOT_A_BUNDLE,
        /** The hub answered something that is not a listing or a file (wrong hub URL?). */
        BAD_RESPONSE,
        /** Network failure, stall or server error: re-running resumes from the partial files. */
        NETWORK,
        /** A downloaded file has the wrong size or checksum; it was discarded. */
        INTEGRITY,
        /** The model cache cannot be written. */
        LOCAL_IO
    }

    private final Reason reason;

    public ModelPullException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ModelPullException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** True when running the same pull again can succeed and continues where this one stopped. */
    public boolean resumable() {
        return reason == Reason.NETWORK || reason == Reason.INTEGRITY;
    }
}
