package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.dispatch.WorkerStatus;
import dev.facesweep.coordinator.store.ScanCounts;
import java.util.List;

/** What a running scan tells its user; called on the scan loop's thread. */
public interface ScanMonitor {

    /** A line worth showing: a skipped file, a parked batch, a worker joining, a hint. */
    void note(String line);

    /** About once per {@link ScanSettings#progressEvery()}, and once at the end. */
    void progress(ScanCounts counts, List<WorkerStatus> workers);

    ScanMonitor SILENT = new ScanMonitor() {
        @Override
        public void note(String line) {
        }

        @Override
        public void progress(ScanCounts counts, List<WorkerStatus> workers) {
        }
    };
}
