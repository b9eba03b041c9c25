package dev.facesweep.coordinator.modelpull;

import java.nio.file.Path;
import java.util.List;

/**
 * A complete bundle on disk.
 *
 * @param name                the model name, e.g. {@code ViT-L-14-quickgelu__dfn2b}
 * @param bundleDir           {@code <cache>/<name>}, ready for {@code facesweep model check}
 * @param files               bundle-relative paths of the files the bundle consists of
 * @param bytesTransferred    bytes received by this pull (0 when everything was already there)
 * @param filesAlreadyPresent files that were complete before the pull and were not fetched again
 */
public record PullResult(String name, Path bundleDir, List<String> files, long bytesTransferred,
                         int filesAlreadyPresent) {

    public PullResult {
        files = List.copyOf(files);
    }
}
