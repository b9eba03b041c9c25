package dev.facesweep.coordinator.apply;

import java.time.Instant;
import java.util.Map;

/**
 * One apply or revert, for {@code facesweep history}.
 *
 * @param kind {@code apply} or {@code revert}
 * @param time when it started
 * @param state for an apply: {@code applied}, {@code partial} (some operations failed), {@code interrupted}
 *     (killed: resume or revert it) or {@code not started}; for a revert: {@code reverted} or {@code interrupted}
 * @param ops operations done (apply) or undone (revert), by type
 * @param failed operations that failed in the last run
 */
public record HistoryEntry(String kind, String applyId, Instant time, String planId, String root, String state,
        Map<String, Integer> ops, int failed, int problems) {
}
