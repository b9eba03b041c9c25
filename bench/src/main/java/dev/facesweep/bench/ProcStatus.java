package dev.facesweep.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory figures of a process from Linux's /proc/PID/status (e.g. {@code VmHWM}, the peak resident set). */
final class ProcStatus {

    private ProcStatus() {
    }

    /** {@code field} of this process in kB, or -1 where /proc is not available. */
    static long kb(String field) {
        return kb(Path.of("/proc/self/status"), field);
    }

    static long kb(Path status, String field) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
