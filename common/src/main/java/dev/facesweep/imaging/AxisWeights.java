package dev.facesweep.imaging;

import java.util.Arrays;

/**
 * Resampling weights for one axis, computed exactly as Pillow 9.4's {@code precompute_coeffs} (Resample.c) with
 * box = (0, in): for every output index, the first source index ({@code xmin}), the tap count, the normalised
 * double weights (used for 32-bit images) and their 22-bit fixed-point form (used for 8-bit images).
 *
 * @param inSize source pixels on this axis
 * @param outSize destination pixels on this axis
 * @param ksize stride between the weight rows of consecutive output indices
 * @param xmin first source index per output index
 * @param taps number of source pixels per output index
 * @param real normalised weights, {@code ksize} per output index
 * @param fixed {@code real} scaled by 2^22 and rounded half away from zero
 */
record AxisWeights(int inSize, int outSize, int ksize, int[] xmin, int[] taps, double[] real, int[] fixed) {

    static final int PRECISION_BITS = 32 - 8 - 2;

    static AxisWeights compute(int inSize, int outSize, Interpolation filter) {
        if (filter == Interpolation.NEAREST) {
            throw new IllegalArgumentException("nearest resampling uses a pixel mapping, not weights");
        }
        double scale = (double) inSize / outSize;
        double filterscale = Math.max(scale, 1.0);
        double support = filter.support() * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] xmin = new int[outSize];
        int[] taps = new int[outSize];
        double[] real = new double[outSize * ksize];
        int[] fixed = new int[outSize * ksize];
        double ss = 1.0 / filterscale;
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            int lo = Math.max(0, (int) (center - support + 0.5));
            int hi = Math.min(inSize, (int) (center + support + 0.5));
            int n = hi - lo;
            int k = xx * ksize;
            double ww = 0.0;
            for (int x = 0; x < n; x++) {
                double w = filter.weight((x + lo - center + 0.5) * ss);
                real[k + x] = w;
                ww += w;
            }
            for (int x = 0; x < n; x++) {
                if (ww != 0.0) {
                    real[k + x] /= ww;
                }
                double v = real[k + x];
                fixed[k + x] = (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
            }
            xmin[xx] = lo;
            taps[xx] = n;
        }
        return new AxisWeights(inSize, outSize, ksize, xmin, taps, real, fixed);
    }

    /** The fixed-point weights of one output index, for tests and diagnostics. */
    int[] fixedFor(int out) {
        return Arrays.copyOfRange(fixed, out * ksize, out * ksize + taps[out]);
    }

    /** First source index below which no output index in [from, to) reads. */
    int firstSource(int from) {
        return xmin[from];
    }

    /** One past the last source index that any output index in [from, to) reads. */
    int endSource(int from, int to) {
        int end = 0;
        for (int i = from; i < to; i++) {
            end = Math.max(end, xmin[i] + taps[i]);
        }
        return end;
    }

    /**
     * Pillow's NEAREST mapping (Geometry.c {@code ImagingScaleAffine}): the source coordinate accumulates in double,
     * {@code v = s / 2; src = (int) v; v += s} with {@code s = in / out}. Clamped to the last source index, where
     * Pillow would leave the pixel unwritten (accumulated rounding never gets there for sane sizes).
     */
    static int[] nearestMap(int inSize, int outSize) {
        double s = (double) inSize / outSize;
        double v = s * 0.5;
        int[] map = new int[outSize];
        for (int i = 0; i < outSize; i++) {
            int src = v < 0.0 ? 0 : (int) v;
            map[i] = Math.min(src, inSize - 1);
            v += s;
        }
        return map;
    }
}
