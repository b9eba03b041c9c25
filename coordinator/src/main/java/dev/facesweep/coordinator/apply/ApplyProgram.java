package dev.facesweep.coordinator.apply;

import java.util.List;

/**
 * What an apply will do: the operations in order, the items it leaves alone with the reason (each makes the
 * apply exit with 3), and notes that need no action.
 */
record ApplyProgram(List<Op> ops, List<String> problems, List<String> notes) {

    ApplyProgram {
        ops = List.copyOf(ops);
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }
}
