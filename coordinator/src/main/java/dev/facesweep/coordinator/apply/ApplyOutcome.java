package dev.facesweep.coordinator.apply;

import java.util.List;
import java.util.Map;

/**
 * The result of an apply, a resume or a revert.
 *
 * @param applyId the apply's id
 * @param done operations done (by this run and earlier runs), by type
 * @param failures one line per operation that failed (the apply goes on; {@code --resume} retries them)
 * @param problems items left untouched with the reason (damaged archive, malformed manifest...)
 * @param notes things worth knowing that need no action
 */
public record ApplyOutcome(String applyId, Map<OpType, Integer> done, List<String> failures, List<String> problems,
        List<String> notes) {

    public ApplyOutcome {
        done = Map.copyOf(done);
        failures = List.copyOf(failures);
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    public boolean clean() {
        return failures.isEmpty() && problems.isEmpty();
    }
}
