package dev.facesweep.coordinator.cli;

import dev.facesweep.model.BundleException;
import dev.facesweep.scoring.PromptSetException;

/** Turns the core's checked configuration exceptions into {@link UsageError}s (exit 2, one line). */
public final class CoreErrors {

    private CoreErrors() {
    }

    public static UsageError bundle(BundleException e) {
        return new UsageError(e.getMessage(), e);
    }

    public static UsageError prompts(PromptSetException e) {
        return new UsageError(e.getMessage(), e);
    }
}
