package dev.facesweep.coordinator.store;

import java.util.Map;

/**
 * One image of a scan with its scores for the scan's model and prompt set, for building a plan.
 *
 * @param scores probability per attribute; empty unless the state is SCORED or REUSED
 * @param error set for FAILED images
 */
public record ImageRecord(String relativePath, String faceset, String sha256, long size, ImageState state,
        Map<String, Double> scores, String error, String workerId) {
}
