package dev.facesweep.corpus;

import java.util.Objects;

/**
 * Something in the corpus that was skipped or needs the user's attention, e.g.
 * {@code faceset_003/faces/x.png: symlink leaves the corpus root, skipped}.
 *
 * @param relativePath the item, relative to the corpus root with forward slashes ({@code ""} for the root)
 * @param message one line saying what happened and, where useful, what to do
 */
public record CorpusProblem(String relativePath, String message) {

    public CorpusProblem {
        Objects.requireNonNull(relativePath, "relativePath");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return relativePath.isEmpty() ? message : relativePath + ": " + message;
    }
}
