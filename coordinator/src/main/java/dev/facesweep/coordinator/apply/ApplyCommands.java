package dev.facesweep.coordinator.apply;

import dev.facesweep.coordinator.cli.Progress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Shared plumbing of the apply, revert and history commands. */
final class ApplyCommands {

    private ApplyCommands() {
    }

    static Applies applies(Path state, PrintWriter err, boolean showProgress) {
        Applies.Listener listener = showProgress ? new ProgressListener(err) : Applies.Listener.NONE;
        return new Applies(state, Clock.systemUTC(), EnvCheckpoints.from(System.getenv()), listener);
    }

    static void counts(ObjectNode node, String field, Map<OpType, Integer> counts) {
        ObjectNode c = node.putObject(field);
        counts.forEach((type, n) -> c.put(type.json(), n));
    }

    static void lines(ObjectNode node, String field, Iterable<String> lines) {
        ArrayNode a = node.putArray(field);
        lines.forEach(a::add);
    }

    static String countsText(Map<OpType, Integer> counts) {
        if (counts.isEmpty()) {
            return "nothing";
        }
        StringBuilder sb = new StringBuilder();
        counts.forEach((type, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(type.json()).append(' ')
                .append(n));
        return sb.toString();
    }

    /** A progress bar per phase on stderr. */
    private static final class ProgressListener implements Applies.Listener {
        private final PrintWriter err;
        private Progress progress;
        private int last;

        ProgressListener(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void phase(String name, int total) {
            if (progress != null) {
                progress.finish(last);
            }
            progress = Progress.onStderr(err, name, "files", total);
            last = 0;
        }

        @Override
        public void progress(int done) {
            last = done;
            progress.update(done);
        }
    }
}
