package dev.facesweep.model;

/** Vector arithmetic on embeddings, as open_clip does it (float32 storage, L2 normalisation with an epsilon). */
public final class Embeddings {

    /** Norms below this are treated as this value, as {@code torch.nn.functional.normalize} does. */
    public static final double NORM_EPSILON = 1e-12;

    private Embeddings() {
    }

    /** {@code x / max(||x||, 1e-12)} as a new array; idempotent on normalised input. */
    public static float[] l2Normalize(float[] x) {
        double norm = Math.max(Math.sqrt(sumOfSquares(x)), NORM_EPSILON);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (x[i] / norm);
        }
        return out;
    }

    /**
     * Sum of the squares, accumulated in double; not finite exactly when a component is not finite (a float
     * squared in double cannot overflow).
     */
    public static double sumOfSquares(float[] x) {
        return dot(x, x);
    }

    /**
     * Dot product, accumulated in double; the cosine when both vectors are normalised. Four partial sums, added
     * at the end: the additions no longer wait for each other, which makes this several times faster (it runs
     * for every attribute of every image the coordinator records) and changes the result only in the last bits
     * of the double, far below float precision.
     */
    public static double dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("embedding lengths differ: " + a.length + " vs " + b.length);
        }
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int n = a.length;
        int i = 0;
        for (int end = n & ~3; i < end; i += 4) {
            s0 += (double) a[i] * b[i];
            s1 += (double) a[i + 1] * b[i + 1];
            s2 += (double) a[i + 2] * b[i + 2];
            s3 += (double) a[i + 3] * b[i + 3];
        }
        for (; i < n; i++) {
            s0 += (double) a[i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
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
