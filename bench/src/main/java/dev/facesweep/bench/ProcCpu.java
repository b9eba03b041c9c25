package dev.facesweep.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of a process from Linux's /proc/PID/stat, in clock ticks (USER_HZ, 100 per second). */
final class ProcCpu {

    private ProcCpu() {
    }

    /**
     * {own, reaped children}: utime + stime, and cutime + cstime (the CPU time of the children this process has
     * waited for); {-1, -1} where /proc is not available.
     *
     * @param pid a process id, or "self"
     */
    static long[] ticks(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            // fields 14-17 of proc(5): utime stime cutime cstime (index 11-14 after the command name)
            return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]),
                Long.parseLong(f[13]) + Long.parseLong(f[14])};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }
}
