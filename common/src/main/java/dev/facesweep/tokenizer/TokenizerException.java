package dev.facesweep.tokenizer;

/** A tokenizer file that is missing, unreadable or not what it claims to be. The message is one line. */
public class TokenizerException extends IllegalArgumentException {

    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
