package dev.facesweep.coordinator.apply;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Test hook for crash tests, off unless {@value #HALT_AT} is set: at the N-th checkpoint (from 1) the process
 * writes the checkpoint's label to the file named by {@value #MARKER} and blocks until it is killed. Never set
 * these variables in real use.
 */
final class EnvCheckpoints implements Checkpoints {

    static final String HALT_AT = "FACESWEEP_APPLY_HALT_AT";
    static final String MARKER = "FACESWEEP_APPLY_HALT_MARKER";

    private final int haltAt;
    private final Path marker;
    private int reached;

    private EnvCheckpoints(int haltAt, Path marker) {
        this.haltAt = haltAt;
        this.marker = marker;
    }

    static Checkpoints from(Map<String, String> env) {
        String at = env.get(HALT_AT);
        String marker = env.get(MARKER);
        if (at == null || at.isBlank() || marker == null || marker.isBlank()) {
            return NONE;
        }
        return new EnvCheckpoints(Integer.parseInt(at.strip()), Path.of(marker));
    }

    @Override
    public void reached(String label) {
        if (++reached != haltAt) {
            return;
        }
        try {
            FileOps.writeDurably(marker, label.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the halt marker " + marker, e);
        }
        CountDownLatch never = new CountDownLatch(1);
        while (true) {
            try {
                never.await();
            } catch (InterruptedException e) {
                // keep waiting for the kill
            }
        }
    }
}
