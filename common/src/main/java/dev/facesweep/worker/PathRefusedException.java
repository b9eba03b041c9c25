package dev.facesweep.worker;

/** A path from a batch that this worker must not read; the message is one line naming the path. */
public class PathRefusedException extends Exception {

    public PathRefusedException(String message) {
        super(message, null, false, false);
    }
}
