package dev.facesweep.coordinator.store;

/** An image embedding kept in the store (the array is the caller's to keep). */
public record StoredEmbedding(String sha256, float[] embedding) {
}
