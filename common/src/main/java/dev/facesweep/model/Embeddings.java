package dev.facesweep.model;

/** Vector arithmetic on embeddings, as open_clip does it (float32 storage, L2 normalisation with an epsilon). */
public final class Embeddings {

    /** Norms below this are treated as this value, as {@code torch.nn.functional.normalize} does. */
    public static final double NORM_EPSILON = 1e-12;

    private Embeddings() {
    }

    /** {@code x / max(||x||, 1e-12)} as a new array; idempotent on normalised input. */
    public static float[] l2Normalize(float[] x) {
        double sum = 0;
        for (float v : x) {
            sum += (double) v * v;
        }
        double norm = Math.max(Math.sqrt(sum), NORM_EPSILON);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (x[i] / norm);
        }
        return out;
    }

    /** Dot product, accumulated in double; the cosine when both vectors are normalised. */
    public static double dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("embedding lengths differ: " + a.length + " vs " + b.length);
        }
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    /** Whether every component is finite (no NaN or infinity). */
    public static boolean isFinite(float[] x) {
        for (float v : x) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
