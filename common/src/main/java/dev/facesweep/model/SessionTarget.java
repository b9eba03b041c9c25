package dev.facesweep.model;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a {@link SessionConfigurer} is told about the model whose session it configures, read from the ONNX file
 * before the session exists.
 *
 * @param role which of the bundle's models
 * @param modelFile the ONNX file
 * @param inputName the graph's single input
 * @param batchDimension name of the symbolic batch dimension (dim 0 of the input), empty when the file fixes it
 *     or names none
 * @param fileBatchSize the batch size fixed in the file itself (Immich exports fix it at 1), empty when free
 */
public record SessionTarget(
        ModelRole role,
        Path modelFile,
        String inputName,
        Optional<String> batchDimension,
        OptionalLong fileBatchSize) {

    /**
     * Fixes the model's batch dimension at {@code size} through {@code setSymbolicDimensionValue}, so the session
     * gets static shapes (DirectML is much faster with them). The last batch of a run is then padded.
     *
     * @return false when the file already fixes the batch or names no batch dimension (nothing was set)
     */
    public boolean fixBatchSize(OrtSession.SessionOptions options, int size) throws OrtException {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, was " + size);
        }
        if (batchDimension.isEmpty()) {
            return false;
        }
        options.setSymbolicDimensionValue(batchDimension.get(), size);
        return true;
    }
}
