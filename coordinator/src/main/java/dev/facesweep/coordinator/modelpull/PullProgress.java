package dev.facesweep.coordinator.modelpull;

/**
 * A snapshot of a pull.
 *
 * @param file           bundle-relative path of the file being transferred, e.g. {@code textual/model.onnx}
 * @param fileDone       bytes of that file on disk
 * @param fileTotal      size of that file
 * @param done           bytes of the whole bundle on disk
 * @param total          size of the whole bundle
 * @param alreadyPresent bytes that were on disk when the pull started (complete files and resumable parts):
 *                       a transfer rate is {@code (done - alreadyPresent) / elapsed}
 */
public record PullProgress(String file, long fileDone, long fileTotal, long done, long total, long alreadyPresent) {

    public boolean fileComplete() {
        return fileDone == fileTotal;
    }

    /** Bytes transferred by this pull so far; can step back when a server forces a file to restart. */
    public long transferred() {
        return Math.max(0, done - alreadyPresent);
    }
}
