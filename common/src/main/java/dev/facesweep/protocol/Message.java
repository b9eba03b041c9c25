package dev.facesweep.protocol;

/** A queue message; {@link MessageCodec} turns each kind into plain JSON and back. */
public sealed interface Message permits BatchMessage, ResultMessage, Heartbeat {

    /** The wire schema version this build writes and the only one it reads. */
    int SCHEMA = 1;
}
