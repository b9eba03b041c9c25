package dev.facesweep.coordinator.apply;

/**
 * Named points inside apply and revert (after an intent line, after a backup, after a rename...). Production
 * passes {@link #NONE}; tests use it to stop a run at an exact point, e.g. to kill the process there.
 */
@FunctionalInterface
public interface Checkpoints {

    Checkpoints NONE = label -> { };

    /** Called at each point; {@code label} says which, e.g. {@code op 3 move intent}. */
    void reached(String label);
}
