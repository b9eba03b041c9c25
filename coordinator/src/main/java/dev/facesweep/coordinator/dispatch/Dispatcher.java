package dev.facesweep.coordinator.dispatch;

import dev.facesweep.protocol.BatchMessage;
import java.util.List;

/**
 * Where a scan's batches go and where their results come from: in-process workers ({@link EmbeddedDispatcher}) or
 * a message broker ({@code dev.facesweep.coordinator.rabbit.RabbitDispatcher}).
 *
 * <p>The scan loop owns the bookkeeping (which batches are outstanding, when to re-dispatch); a dispatcher only
 * moves messages. Results, parked batches and rejected messages come back through the {@link DispatchListener}
 * given to {@link #start}, on the dispatcher's own threads.
 */
public interface Dispatcher extends AutoCloseable {

    /** Starts delivering results to {@code listener}; called once, before the first {@link #publish}. */
    void start(DispatchListener listener) throws DispatchException;

    /**
     * How many batches may be published and unanswered at once right now. Small on purpose: batches not yet
     * handed out stay staged in the store (flat memory), and a short queue lets re-dispatch near the end reach an
     * idle worker quickly.
     */
    int capacity();

    /**
     * Hands the batches over. The transport owns them from here: it delivers each at least once or reports
     * through {@link #check()} that it cannot (a duplicate is harmless: results are idempotent). On an exception
     * none of them may be assumed delivered, though some may have been.
     */
    void publish(List<BatchMessage> batches) throws DispatchException;

    /**
     * Called by the scan loop regularly.
     *
     * @throws DispatchException when the transport has given up on batches it took (e.g. the broker did not
     *     confirm them in time); the scan stops and can be run again
     */
    default void check() throws DispatchException {
    }

    /** The workers this dispatcher knows of (from their heartbeats), live ones first; empty when it cannot tell. */
    List<WorkerStatus> workers();

    /** One line naming the transport, e.g. {@code embedded, 2 threads} or {@code RabbitMQ at amqp://host:5672/}. */
    String description();

    @Override
    void close();
}
