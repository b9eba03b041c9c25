package dev.facesweep.model;

import java.util.List;
import java.util.OptionalInt;

/**
 * What one opened session looks like, as read from ONNX Runtime.
 *
 * @param role visual or textual
 * @param inputName the graph input
 * @param inputType element type of the input, e.g. {@code float32}, {@code float16}, {@code int32}, {@code int64}
 * @param inputDims input dimensions; free ones by name (or {@code ?})
 * @param outputName the embedding output
 * @param outputType element type of the output
 * @param outputDims output dimensions
 * @param fixedBatch the batch size the session requires, empty when the batch dimension is free
 * @param batchSize rows per run (the fixed size, or the configurer's choice)
 * @param provider the provider the configurer asked for
 * @param providerInUse the provider the configurer reports in use
 */
public record SessionInfo(
        ModelRole role,
        String inputName,
        String inputType,
        List<String> inputDims,
        String outputName,
        String outputType,
        List<String> outputDims,
        OptionalInt fixedBatch,
        int batchSize,
        String provider,
        String providerInUse) {

    public SessionInfo {
        inputDims = List.copyOf(inputDims);
        outputDims = List.copyOf(outputDims);
    }

    /** One line, e.g. {@code image float32 [batch, 3, 224, 224] -> embedding float32 [batch, 32]; batch ...}. */
    public String format() {
        String batch = fixedBatch.isPresent() ? "batch fixed at " + fixedBatch.getAsInt() + " (last run padded)"
                : "batch dynamic (runs of " + batchSize + ")";
        String providers = provider.equals(providerInUse) ? "provider " + provider
                : "provider " + provider + " (in use: " + providerInUse + ")";
        return inputName + " " + inputType + " " + inputDims + " -> " + outputName + " " + outputType + " "
                + outputDims + "; " + batch + "; " + providers;
    }

    @Override
    public String toString() {
        return role + ": " + format();
    }
}
