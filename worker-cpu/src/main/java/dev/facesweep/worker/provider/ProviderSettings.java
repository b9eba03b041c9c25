package dev.facesweep.worker.provider;

/**
 * What every provider is told, from the worker's configuration.
 *
 * @param batchSize images per model run; 0 lets the provider choose (8 on CPU, 16 on GPUs)
 * @param intraOpThreads ONNX Runtime threads per run on CPU; 0 for its default
 * @param device which accelerator: an index among the provider's devices, or a vendor name ({@code amd},
 *     {@code nvidia}, {@code intel}); empty for the first
 */
public record ProviderSettings(int batchSize, int intraOpThreads, String device) {

    public ProviderSettings {
        if (batchSize < 0 || intraOpThreads < 0) {
            throw new IllegalArgumentException("batch size and threads must not be negative, were " + batchSize
                    + " and " + intraOpThreads);
        }
        device = device == null ? "" : device.strip();
    }

    /** The batch size, or {@code fallback} when the configuration leaves it to the provider. */
    public int batchSizeOr(int fallback) {
        return batchSize > 0 ? batchSize : fallback;
    }
}
