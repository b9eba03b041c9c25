package dev.facesweep.corpus;

/** The corpus cannot be walked at all (root missing, not a folder, unreadable); the message is one line. */
public class CorpusException extends Exception {

    public CorpusException(String message) {
        super(message);
    }
}
