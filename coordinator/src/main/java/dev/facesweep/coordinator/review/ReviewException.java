package dev.facesweep.coordinator.review;

/** A review request that cannot be served; {@link #kind()} says whose fault it is (the web layer maps it). */
public class ReviewException extends RuntimeException {

    /** Why a request failed. */
    public enum Kind {
        /** No such scan, plan, image or face set. */
        NOT_FOUND,
        /** The request itself is wrong (bad threshold, bad override, missing confirmation). */
        BAD_REQUEST,
        /** The request is fine but the state does not allow it (e.g. the original image changed). */
        CONFLICT
    }

    private final Kind kind;

    public ReviewException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ReviewException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
