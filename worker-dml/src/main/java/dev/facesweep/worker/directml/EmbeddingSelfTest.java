package dev.facesweep.worker.directml;

import dev.facesweep.model.BundleException;
import dev.facesweep.model.ClipModel;
import dev.facesweep.model.CpuSessionConfigurer;
import dev.facesweep.model.Embeddings;
import dev.facesweep.model.ModelRole;

/**
 * Compares the image embedding of one fixed, image-like input from an accelerated model with the CPU provider's
 * (DirectML has had LayerNorm bugs on some ViT graphs; a wrong accelerator must not score a corpus).
 */
final class EmbeddingSelfTest {

    private EmbeddingSelfTest() {
    }

    /**
     * Cosine between {@code accelerated}'s embedding and a CPU session's embedding of the same input (both are
     * L2-normalised). Opens and closes a CPU session of the same bundle.
     */
    static double cosineToCpu(ClipModel accelerated) throws BundleException {
        float[] pixels = probeInput(accelerated.bundle().config().imageSize());
        float[] fast = accelerated.embedImages(pixels, 1)[0];
        try (ClipModel cpu = ClipModel.open(accelerated.bundle(), new CpuSessionConfigurer(), ModelRole.VISUAL)) {
            return Embeddings.dot(fast, cpu.embedImages(pixels, 1)[0]);
        }
    }

    /** A smooth, deterministic, normalised-looking NCHW tensor of one {@code size} x {@code size} image. */
    static float[] probeInput(int size) {
        float[] pixels = new float[3 * size * size];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double v = Math.sin(0.045 * x + 1.3 * c) * Math.cos(0.061 * y - 0.7 * c)
                            + 0.35 * Math.sin(0.013 * (x + y) * (c + 1));
                    pixels[(c * size + y) * size + x] = (float) (1.6 * v);
                }
            }
        }
        return pixels;
    }
}
