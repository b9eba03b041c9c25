package dev.facesweep.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How much of the machine a measured process got during a window, from Linux's /proc: its own CPU time, the CPU
 * time everything else used (busy time of /proc/stat minus the process's), the hypervisor's steal time, and how
 * long the process's threads sat runnable in the run queue ({@code run_delay} of each task's schedstat).
 *
 * <p>ONNX Runtime's worker threads spin while they wait for each other, so a process's CPU share alone does not
 * show contention: a descheduled thread stalls the others, which then burn their cores spinning. Other processes'
 * CPU and the run-queue wait do show it.
 */
final class CpuContention {

    private static final double TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture facesweep runs on

    /** One reading. */
    record Snapshot(long nanos, long busyTicks, long stealTicks, long processTicks, long runDelayNanos) {
    }

    private final Path proc;

    /** @param pid the process to measure, or "self" */
    CpuContention(String pid) {
        this.proc = Path.of("/proc", pid);
    }

    Snapshot snapshot() {
        long busy = 0;
        long steal = 0;
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal guest guest_nice
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(cpu[i]);
            }
            steal = Long.parseLong(cpu[8]);
        } catch (IOException | RuntimeException e) {
            busy = -1;
        }
        long own = -1;
        try {
            String stat = Files.readString(proc.resolve("stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            own = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
        } catch (IOException | RuntimeException e) {
            own = -1;
        }
        long delay = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
            for (Path task : tasks) {
                try {
                    delay += Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split("\\s+")[1]);
                } catch (IOException | RuntimeException e) {
                    // a thread that ended between listing and reading
                }
            }
        } catch (IOException e) {
            delay = -1;
        }
        return new Snapshot(System.nanoTime(), busy, steal, own, delay);
    }

    /**
     * JSON fields for the window between two snapshots: {@code own_cores} (the process's average CPU use, in cores),
     * {@code others_cores} (everything else's), {@code steal_cores}, {@code run_wait_per_thread} (run-queue wait
     * over wall time, summed over threads and divided by {@code threads}).
     */
    static String json(Snapshot a, Snapshot b, int threads) {
        double wall = (b.nanos() - a.nanos()) / 1e9;
        double own = (b.processTicks() - a.processTicks()) / TICKS_PER_SECOND / wall;
        double all = (b.busyTicks() - a.busyTicks()) / TICKS_PER_SECOND / wall;
        double steal = (b.stealTicks() - a.stealTicks()) / TICKS_PER_SECOND / wall;
        double wait = (b.runDelayNanos() - a.runDelayNanos()) / 1e9 / wall / threads;
        return String.format(Locale.ROOT, "\"own_cores\": %.2f, \"others_cores\": %.2f, \"steal_cores\": %.2f, "
                + "\"run_wait_per_thread\": %.3f", own, Math.max(0, all - own), steal, wait);
    }
}
