package dev.facesweep.coordinator.modelpull;

/**
 * Receives download progress, on the pulling thread: once when a file starts (or is found complete), after
 * every chunk written, and when it is finished. Implementations should be quick (throttle drawing themselves).
 */
@FunctionalInterface
public interface PullListener {

    PullListener NONE = progress -> {
    };

    void onProgress(PullProgress progress);
}
