package dev.facesweep.coordinator.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

/**
 * Progress for long commands: a redrawn bar with rate and ETA on a terminal, plain lines at most every
 * {@code plainEvery} otherwise (logs, CI). Not thread-safe; call from one thread.
 */
public final class Progress {

    private static final int BAR_WIDTH = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private final Clock clock;
    private final Duration plainEvery;
    private final String label;
    private final String unit;
    private final long startMillis;
    private long total;
    private long lastPrintMillis = Long.MIN_VALUE;
    private boolean drawn;

    public Progress(PrintWriter out, boolean terminal, Clock clock, Duration plainEvery, String label, String unit,
            long total) {
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
        this.plainEvery = plainEvery;
        this.label = label;
        this.unit = unit;
        this.total = total;
        this.startMillis = clock.millis();
    }

    /** A progress reporter on stderr; a bar when stderr is a terminal. */
    public static Progress onStderr(PrintWriter err, String label, String unit, long total) {
        return new Progress(err, System.console() != null, Clock.systemUTC(), Duration.ofSeconds(10), label, unit,
                total);
    }

    public void total(long newTotal) {
        this.total = newTotal;
    }

    /** Reports {@code done} units finished so far. */
    public void update(long done) {
        long now = clock.millis();
        long throttle = terminal ? 100 : plainEvery.toMillis();
        if (lastPrintMillis != Long.MIN_VALUE && now - lastPrintMillis < throttle && done < total) {
            return;
        }
        lastPrintMillis = now;
        String line = line(done, now);
        if (terminal) {
            out.print("\r" + line + "\u001b[K");
            drawn = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Ends the bar (a final newline on a terminal). */
    public void finish(long done) {
        lastPrintMillis = Long.MIN_VALUE;
        update(done);
        if (terminal && drawn) {
            out.println();
            out.flush();
        }
    }

    String line(long done, long nowMillis) {
        double seconds = Math.max(1e-3, (nowMillis - startMillis) / 1000.0);
        double rate = done / seconds;
        StringBuilder sb = new StringBuilder(label).append(' ');
        if (total > 0) {
            double fraction = Math.min(1.0, (double) done / total);
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            sb.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ");
            sb.append(String.format(Locale.ROOT, "%d/%d %s %3.0f%%", done, total, unit, fraction * 100));
        } else {
            sb.append(done).append(' ').append(unit);
        }
        sb.append(String.format(Locale.ROOT, " %.2f %s/s", rate, unit));
        if (total > 0 && done < total && rate > 0) {
            sb.append(" ETA ").append(formatDuration((long) ((total - done) / rate)));
        } else if (total > 0 && done >= total) {
            sb.append(" in ").append(formatDuration((long) seconds));
        }
        return sb.toString();
    }

    static String formatDuration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
    }
}
