package dev.facesweep.coordinator.apply;

import java.util.Locale;

/** The kinds of journaled operations; the JSON form is the lower-case name. */
public enum OpType {
    /** Create a folder ({@code faces/_dropped}, {@code _masked}, {@code _thin}); revert removes it if empty. */
    MKDIR,
    /** Move one file (a pruned image into {@code _dropped/}); never overwrites. */
    MOVE,
    /** Move a whole face-set folder into {@code _masked/} or {@code _thin/}; never overwrites. */
    MOVE_DIR,
    /** Rebuild a face set's .fsz without the pruned images (original backed up first). */
    REWRITE_FSZ,
    /** Remove the pruned images' faces[] entries from a face set's manifest.json (original backed up first). */
    REWRITE_MANIFEST,
    /** Add masked[]/thin[] entries and the provenance block to the master manifest.json (created if absent). */
    UPDATE_MASTER;

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OpType fromJson(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    boolean rewrites() {
        return this == REWRITE_FSZ || this == REWRITE_MANIFEST || this == UPDATE_MASTER;
    }
}
