package dev.facesweep.coordinator.plan;

/** Size and content hash of a file as the plan saw it; apply refuses to touch it if either changed. */
public record InputFile(long size, String sha256) {
}
