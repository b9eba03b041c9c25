package dev.facesweep.coordinator.dispatch;

import dev.facesweep.protocol.ResultMessage;
import java.util.List;

/** What a {@link Dispatcher} reports back; called from the dispatcher's threads, so implementations are thread-safe. */
public interface DispatchListener {

    /**
     * A worker's result. The transport acknowledges the message only after this returns, so it must return only
     * once the result is stored; an exception makes the transport deliver it again.
     */
    void onResult(ResultMessage result);

    /**
     * Several results that arrived together, in arrival order; like {@link #onResult} for each, but the listener
     * may store them at once (one transaction). The transport acknowledges them only after this returns; on an
     * exception none of them may be assumed stored.
     */
    default void onResults(List<ResultMessage> results) {
        for (ResultMessage result : results) {
            onResult(result);
        }
    }

    /**
     * A batch was given up on (it failed too many times, or a worker could not read it).
     *
     * @param batchId the batch, or null when the parked message could not be read as a batch
     * @param reason one line saying why
     */
    void onParked(String batchId, String reason);

    /** A message could not be used (malformed, or for a scan this coordinator cannot score); it was dropped. */
    void onRejected(String reason);
}
