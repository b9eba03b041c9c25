package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.cli.Progress;
import dev.facesweep.coordinator.dispatch.WorkerStatus;
import dev.facesweep.coordinator.store.ScanCounts;
import java.io.PrintWriter;
import java.util.List;

/** Notes and a progress bar (rate and ETA) on stderr; plain lines when stderr is not a terminal. */
final class ConsoleMonitor implements ScanMonitor {

    private final PrintWriter err;
    private final Progress progress;
    private final boolean terminal;
    private long lastDone;

    ConsoleMonitor(PrintWriter err, String label) {
        this.err = err;
        this.terminal = System.console() != null;
        this.progress = Progress.onStderr(err, label, "img", 0);
    }

    @Override
    public void note(String line) {
        if (terminal) {
            err.print("\r\u001b[K");
        }
        err.println(line);
        err.flush();
    }

    @Override
    public void progress(ScanCounts counts, List<WorkerStatus> workers) {
        progress.total(counts.total());
        lastDone = counts.completed();
        progress.update(lastDone);
    }

    void finish() {
        progress.finish(lastDone);
    }
}
