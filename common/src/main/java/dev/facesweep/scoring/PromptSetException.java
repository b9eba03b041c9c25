package dev.facesweep.scoring;

/** A prompt file that cannot be used; the message is one line naming the file, the attribute and the fix. */
public class PromptSetException extends Exception {

    public PromptSetException(String message) {
        super(message);
    }

    public PromptSetException(String message, Throwable cause) {
        super(message, cause);
    }
}
