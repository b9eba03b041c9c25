package dev.facesweep.coordinator.plan;

/** A plan or overrides file that cannot be read; the message is one line naming the file and the problem. */
public class PlanFormatException extends Exception {

    public PlanFormatException(String message) {
        super(message);
    }

    public PlanFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
