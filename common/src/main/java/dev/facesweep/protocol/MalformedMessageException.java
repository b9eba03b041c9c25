package dev.facesweep.protocol;

/**
 * A queue message that cannot be used: too large, not JSON, wrong schema version, missing or mistyped fields.
 * The message is one line naming the field and the problem; no stack trace is needed to act on it.
 */
public class MalformedMessageException extends Exception {

    public MalformedMessageException(String message) {
        super(message, null, false, false);
    }
}
