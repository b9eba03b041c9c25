package dev.facesweep.imaging;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Pillow 9.4's {@code Image.resize(size, filter)} for the modes {@link PixelMode} knows, bit for bit.
 *
 * <ul>
 *   <li>Same size: the image is copied unchanged.</li>
 *   <li>"P" and "1", or filter NEAREST: nearest neighbour with Pillow's accumulated mapping.</li>
 *   <li>"L", "RGB": two separable fixed-point passes (horizontal, then vertical), each output sample
 *       {@code clamp((2^21 + sum(pixel * k)) >> 22, 0, 255)}; the intermediate image is 8-bit. A pass whose
 *       size does not change is skipped, as in Pillow.</li>
 *   <li>"LA", "RGBA": premultiplied by alpha first ("La" / "RGBa"), resized as above, then un-premultiplied.</li>
 *   <li>"I": the same passes in double with Pillow's {@code ROUND_UP} to int between and after them.</li>
 * </ul>
 *
 * <p>Only a window of the output is computed: every output pixel depends on the weights of its own row and
 * column alone, so cropping after a full resize or resizing just the window gives the same bytes.
 */
final class PillowResize {

    private static final int HALF = 1 << (AxisWeights.PRECISION_BITS - 1);
    private static final int CACHE_LIMIT = 512;
    private static final ConcurrentHashMap<Long, AxisWeights> WEIGHTS = new ConcurrentHashMap<>();

    private PillowResize() {
    }

    /** Weights for one axis, shared between calls (they depend only on the sizes and the filter). */
    static AxisWeights weights(int inSize, int outSize, Interpolation filter) {
        long key = (long) inSize << 32 | (long) outSize << 2 | filter.ordinal();
        AxisWeights w = WEIGHTS.get(key);
        if (w == null) {
            if (WEIGHTS.size() >= CACHE_LIMIT) {
                WEIGHTS.clear(); // odd sizes are rare; a full reset keeps the cache bounded without bookkeeping
            }
            w = WEIGHTS.computeIfAbsent(key, k -> AxisWeights.compute(inSize, outSize, filter));
        }
        return w;
    }

    /**
     * Resizes {@code src} to {@code outW x outH} and returns the window {@code [wx, wx + ww) x [wy, wy + wh)} of the
     * result, in the same mode. May modify {@code src} (alpha premultiplication happens in place).
     */
    static Bitmap resize(Bitmap src, int outW, int outH, Interpolation filter, int wx, int wy, int ww, int wh) {
        if (wx < 0 || wy < 0 || ww <= 0 || wh <= 0 || wx + ww > outW || wy + wh > outH) {
            throw new IllegalArgumentException("window " + ww + "x" + wh + "+" + wx + "+" + wy
                    + " is outside the " + outW + "x" + outH + " output");
        }
        PixelMode mode = src.mode();
        boolean sameSize = outW == src.width() && outH == src.height();
        if (sameSize) {
            return crop(src, wx, wy, ww, wh);
        }
        if (mode == PixelMode.P || mode == PixelMode.ONE || filter == Interpolation.NEAREST) {
            return nearest(src, outW, outH, wx, wy, ww, wh);
        }
        if (mode == PixelMode.I) {
            return new Bitmap(mode, ww, wh, null, resampleInts(src, outW, outH, filter, wx, wy, ww, wh), null);
        }
        if (mode.hasAlpha()) {
            premultiply(src.pixels(), mode.bands());
        }
        byte[] out = resampleBytes(src, outW, outH, filter, wx, wy, ww, wh);
        if (mode.hasAlpha()) {
            unpremultiply(out, mode.bands());
        }
        return Bitmap.of8(mode, ww, wh, out);
    }

    private static byte[] resampleBytes(Bitmap src, int outW, int outH, Interpolation filter,
            int wx, int wy, int ww, int wh) {
        int bands = src.mode().bands();
        int inW = src.width();
        boolean needH = outW != inW;
        boolean needV = outH != src.height();
        AxisWeights wv = needV ? weights(src.height(), outH, filter) : null;
        int rowFrom = needV ? wv.firstSource(wy) : wy;
        int rowEnd = needV ? wv.endSource(wy, wy + wh) : wy + wh;

        byte[] rows = src.pixels();
        int rowsStride = inW * bands;
        int rowsCol0 = wx * bands;
        int rowsRow0 = 0; // source row held at index 0 of `rows`
        if (needH) {
            AxisWeights whz = weights(inW, outW, filter);
            byte[] tmp = new byte[(rowEnd - rowFrom) * ww * bands];
            horizontal(rows, rowsStride, rowFrom, rowEnd - rowFrom, bands, whz, wx, ww, tmp);
            rows = tmp;
            rowsStride = ww * bands;
            rowsCol0 = 0;
            rowsRow0 = rowFrom;
        }
        byte[] out = new byte[ww * wh * bands];
        if (needV) {
            vertical(rows, rowsStride, rowsCol0, rowsRow0, ww * bands, wv, wy, wh, out);
        } else {
            for (int y = 0; y < wh; y++) {
                System.arraycopy(rows, (wy + y - rowsRow0) * rowsStride + rowsCol0, out, y * ww * bands, ww * bands);
            }
        }
        return out;
    }

    /** Horizontal pass over {@code rows} source rows starting at {@code row0}; output columns [x0, x0 + w). */
    private static void horizontal(byte[] src, int stride, int row0, int rows, int bands, AxisWeights wt,
            int x0, int w, byte[] dst) {
        int[] k = wt.fixed();
        int ks = wt.ksize();
        int[] xmin = wt.xmin();
        int[] taps = wt.taps();
        int d = 0;
        for (int r = 0; r < rows; r++) {
            int rowBase = (row0 + r) * stride;
            for (int xx = x0; xx < x0 + w; xx++) {
                int n = taps[xx];
                int ko = xx * ks;
                int p = rowBase + xmin[xx] * bands;
                // the common band counts get their own loops: independent sums over contiguous bytes
                if (bands == 3) {
                    int s0 = HALF;
                    int s1 = HALF;
                    int s2 = HALF;
                    for (int i = 0; i < n; i++, p += 3) {
                        int kv = k[ko + i];
                        s0 += (src[p] & 0xFF) * kv;
                        s1 += (src[p + 1] & 0xFF) * kv;
                        s2 += (src[p + 2] & 0xFF) * kv;
                    }
                    dst[d] = clip8(s0);
                    dst[d + 1] = clip8(s1);
                    dst[d + 2] = clip8(s2);
                    d += 3;
                } else if (bands == 1) {
                    int s0 = HALF;
                    for (int i = 0; i < n; i++) {
                        s0 += (src[p + i] & 0xFF) * k[ko + i];
                    }
                    dst[d++] = clip8(s0);
                } else {
                    for (int c = 0; c < bands; c++) {
                        int ss = HALF;
                        for (int i = 0, q = p + c; i < n; i++, q += bands) {
                            ss += (src[q] & 0xFF) * k[ko + i];
                        }
                        dst[d++] = clip8(ss);
                    }
                }
            }
        }
    }

    /**
     * Vertical pass: output rows [y0, y0 + h) of {@code len} samples each; source row y lives at
     * {@code src[(y - srcRow0) * stride + col0 ...]}.
     */
    private static void vertical(byte[] src, int stride, int col0, int srcRow0, int len, AxisWeights wt,
            int y0, int h, byte[] dst) {
        int[] k = wt.fixed();
        int ks = wt.ksize();
        int[] acc = new int[len];
        for (int yo = 0; yo < h; yo++) {
            int yy = y0 + yo;
            int n = wt.taps()[yy];
            int ko = yy * ks;
            int base = (wt.xmin()[yy] - srcRow0) * stride + col0;
            java.util.Arrays.fill(acc, HALF);
            for (int i = 0; i < n; i++, base += stride) {
                int kv = k[ko + i];
                for (int x = 0; x < len; x++) {
                    acc[x] += (src[base + x] & 0xFF) * kv;
                }
            }
            int d = yo * len;
            for (int x = 0; x < len; x++) {
                dst[d + x] = clip8(acc[x]);
            }
        }
    }

    private static byte clip8(int ss) {
        int v = ss >> AxisWeights.PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /** Mode I: Pillow's 32-bit passes (double accumulation, ROUND_UP to int after each pass). */
    private static int[] resampleInts(Bitmap src, int outW, int outH, Interpolation filter,
            int wx, int wy, int ww, int wh) {
        int inW = src.width();
        boolean needH = outW != inW;
        boolean needV = outH != src.height();
        AxisWeights wv = needV ? weights(src.height(), outH, filter) : null;
        int rowFrom = needV ? wv.firstSource(wy) : wy;
        int rowEnd = needV ? wv.endSource(wy, wy + wh) : wy + wh;
        int[] rows = src.ints();
        int stride = inW;
        int col0 = wx;
        int row0 = 0;
        if (needH) {
            AxisWeights wt = weights(inW, outW, filter);
            int[] tmp = new int[(rowEnd - rowFrom) * ww];
            int d = 0;
            for (int y = rowFrom; y < rowEnd; y++) {
                for (int xx = wx; xx < wx + ww; xx++) {
                    int ko = xx * wt.ksize();
                    int p = y * inW + wt.xmin()[xx];
                    double ss = 0.0;
                    for (int i = 0; i < wt.taps()[xx]; i++) {
                        ss += rows[p + i] * wt.real()[ko + i];
                    }
                    tmp[d++] = roundUp(ss);
                }
            }
            rows = tmp;
            stride = ww;
            col0 = 0;
            row0 = rowFrom;
        }
        int[] out = new int[ww * wh];
        for (int yo = 0; yo < wh; yo++) {
            int yy = wy + yo;
            for (int x = 0; x < ww; x++) {
                if (!needV) {
                    out[yo * ww + x] = rows[(yy - row0) * stride + col0 + x];
                    continue;
                }
                int ko = yy * wv.ksize();
                int p = (wv.xmin()[yy] - row0) * stride + col0 + x;
                double ss = 0.0;
                for (int i = 0; i < wv.taps()[yy]; i++, p += stride) {
                    ss += rows[p] * wv.real()[ko + i];
                }
                out[yo * ww + x] = roundUp(ss);
            }
        }
        return out;
    }

    /** Resample.c's ROUND_UP: half away from zero, then truncate (0.5F promotes to double). */
    private static int roundUp(double f) {
        return (int) (f >= 0.0 ? f + 0.5 : f - 0.5);
    }

    private static Bitmap nearest(Bitmap src, int outW, int outH, int wx, int wy, int ww, int wh) {
        int[] mx = AxisWeights.nearestMap(src.width(), outW);
        int[] my = AxisWeights.nearestMap(src.height(), outH);
        int bands = src.mode().bands();
        if (src.mode() == PixelMode.I) {
            int[] in = src.ints();
            int[] out = new int[ww * wh];
            for (int y = 0, d = 0; y < wh; y++) {
                int row = my[wy + y] * src.width();
                for (int x = 0; x < ww; x++) {
                    out[d++] = in[row + mx[wx + x]];
                }
            }
            return new Bitmap(src.mode(), ww, wh, null, out, null);
        }
        byte[] in = src.pixels();
        byte[] out = new byte[ww * wh * bands];
        for (int y = 0, d = 0; y < wh; y++) {
            int row = my[wy + y] * src.width();
            for (int x = 0; x < ww; x++) {
                int s = (row + mx[wx + x]) * bands;
                for (int c = 0; c < bands; c++) {
                    out[d++] = in[s + c];
                }
            }
        }
        return new Bitmap(src.mode(), ww, wh, out, null, src.palette());
    }

    private static Bitmap crop(Bitmap src, int wx, int wy, int ww, int wh) {
        if (wx == 0 && wy == 0 && ww == src.width() && wh == src.height()) {
            return src;
        }
        int w = src.width();
        if (src.mode() == PixelMode.I) {
            int[] out = new int[ww * wh];
            for (int y = 0; y < wh; y++) {
                System.arraycopy(src.ints(), (wy + y) * w + wx, out, y * ww, ww);
            }
            return new Bitmap(src.mode(), ww, wh, null, out, null);
        }
        int bands = src.mode().bands();
        byte[] out = new byte[ww * wh * bands];
        for (int y = 0; y < wh; y++) {
            System.arraycopy(src.pixels(), ((wy + y) * w + wx) * bands, out, y * ww * bands, ww * bands);
        }
        return new Bitmap(src.mode(), ww, wh, out, null, src.palette());
    }

    /** "RGBA" to "RGBa" (and "LA" to "La"): Convert.c's {@code MULDIV255(c, a)} on every colour sample. */
    static void premultiply(byte[] px, int bands) {
        int alpha = bands - 1;
        for (int p = 0; p < px.length; p += bands) {
            int a = px[p + alpha] & 0xFF;
            if (a == 255) {
                continue;
            }
            for (int c = 0; c < alpha; c++) {
                int t = (px[p + c] & 0xFF) * a + 128;
                px[p + c] = (byte) (((t >> 8) + t) >> 8);
            }
        }
    }

    /** "RGBa" to "RGBA" (and "La" to "LA"): colour unchanged at alpha 0 or 255, else clamp(255 * c / a). */
    static void unpremultiply(byte[] px, int bands) {
        int alpha = bands - 1;
        for (int p = 0; p < px.length; p += bands) {
            int a = px[p + alpha] & 0xFF;
            if (a == 0 || a == 255) {
                continue;
            }
            for (int c = 0; c < alpha; c++) {
                px[p + c] = (byte) Math.min(255, 255 * (px[p + c] & 0xFF) / a);
            }
        }
    }
}
