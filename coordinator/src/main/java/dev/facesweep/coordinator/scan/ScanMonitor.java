package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.dispatch.WorkerStatus;
import dev.facesweep.coordinator.store.RecordSummary;
import dev.facesweep.coordinator.store.ScanCounts;
import java.util.List;

/** What a running scan tells its user (and its metrics); called on the scan loop's thread. */
public interface ScanMonitor {

    /** A line worth showing: a skipped file, a parked batch, a worker joining, a hint. */
    void note(String line);

    /** About once per {@link ScanSettings#progressEvery()}, and once at the end. */
    void progress(ScanCounts counts, List<WorkerStatus> workers);

    /** Batch messages were handed to the dispatcher (fresh claims, or batches a killed run left outstanding). */
    default void batchesPublished(int batches) {
    }

    /** A long-outstanding batch was published again for an idle worker. */
    default void batchRedispatched() {
    }

    /** A result message was recorded (its summary says how many entries were duplicates). */
    default void resultRecorded(RecordSummary summary) {
    }

    /** A result message was dropped: malformed, another model or prompt set, or an unknown batch. */
    default void resultRejected() {
    }

    ScanMonitor SILENT = new ScanMonitor() {
        @Override
        public void note(String line) {
        }

        @Override
        public void progress(ScanCounts counts, List<WorkerStatus> workers) {
        }
    };
}
