package dev.facesweep.worker.provider;

import java.util.OptionalDouble;

/**
 * What a provider's start-up check found.
 *
 * @param providerInUse the provider actually running the image model ({@code CPU}, {@code CUDA},
 *     {@code DirectML})
 * @param detail one line for logs and health, e.g. {@code 97% of nodes on DirectML; cosine to CPU 0.99998}
 * @param acceleratorNodeFraction share of the graph's nodes on the accelerator, when measured
 */
public record ProviderCheck(String providerInUse, String detail, OptionalDouble acceleratorNodeFraction) {
}
