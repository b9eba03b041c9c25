package dev.facesweep.worker.amqp;

/**
 * What a worker does when one batch has stayed in the model, or in decoding, longer than
 * {@link AmqpSettings#batchTimeout()}. The thread doing that work cannot be stopped (a model run is native code), so
 * the worker cannot go on; by default it halts its JVM, which closes its connection: the broker delivers the batch
 * again (to this worker once its service has restarted it, or to another), counting one attempt, so a batch that
 * hangs every worker ends in the parking queue like one that crashes them.
 */
@FunctionalInterface
public interface HangAction {

    /**
     * Exit code of a worker that gave up on a hung batch: not 2 (a configuration error, which service managers are
     * told not to restart), so the worker's service restarts it.
     */
    int EXIT_CODE = 70;

    /** Halts the JVM with {@link #EXIT_CODE}, without waiting for the hung batch (shutdown hooks would). */
    HangAction HALT = reason -> Runtime.getRuntime().halt(EXIT_CODE);

    /** Called once, from the worker's hang-check thread, with one line saying which batch hung and for how long. */
    void hung(String reason);
}
