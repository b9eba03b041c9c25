package dev.facesweep.coordinator.store;

/** A failed image of a scan; {@code sha256} is null when it could not even be hashed. */
public record ImageFailure(String relativePath, String faceset, String sha256, String error, String workerId) {

    @Override
    public String toString() {
        return relativePath + ": " + error;
    }
}
