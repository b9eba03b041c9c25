package dev.facesweep.coordinator.store;

/**
 * What one {@link ScanStore#stage} call did.
 *
 * @param staged new images staged for scoring
 * @param failed new images recorded as failed (unreadable while hashing)
 * @param alreadyStaged paths the scan already had (a resumed staging); left unchanged
 */
public record StageSummary(long staged, long failed, long alreadyStaged) {
}
