package dev.facesweep.imaging;

/**
 * Runs {@link ClipImagePreprocessor#preprocess} as its three stages and adds each stage's wall time to a running
 * total, so the benchmark can say where the time goes.
 *
 * <p>Lives in the benchmark module but in the imaging package, because the decoder and the resize step are
 * package-private in common. It calls exactly the code {@code preprocess} calls, in the same order
 * ({@code ImageDecoder.decode}, {@code fit}, {@code normalize}); only {@code System.nanoTime()} is added between
 * them (tens of nanoseconds against milliseconds of work).
 */
public final class PreprocessStages {

    private final ClipImagePreprocessor preprocessor;
    private long decodeNanos;
    private long resizeNanos;
    private long normalizeNanos;

    public PreprocessStages(ClipImagePreprocessor preprocessor) {
        this.preprocessor = preprocessor;
    }

    /** Same result as {@code preprocessor.preprocess(encoded, dest, offset)}, timed per stage. */
    public void preprocess(byte[] encoded, float[] dest, int offset) throws ImageException {
        long t0 = System.nanoTime();
        Bitmap decoded = ImageDecoder.decode(encoded, preprocessor.limits());
        long t1 = System.nanoTime();
        byte[] rgb = preprocessor.fit(decoded);
        long t2 = System.nanoTime();
        preprocessor.normalize(rgb, dest, offset);
        long t3 = System.nanoTime();
        decodeNanos += t1 - t0;
        resizeNanos += t2 - t1;
        normalizeNanos += t3 - t2;
    }

    /** Forgets the totals (after the warm-up). */
    public void reset() {
        decodeNanos = 0;
        resizeNanos = 0;
        normalizeNanos = 0;
    }

    /** Total time in the decoder (PNG or JPEG to a Pillow-mode bitmap). */
    public long decodeNanos() {
        return decodeNanos;
    }

    /** Total time in resize + center crop + conversion to RGB bytes. */
    public long resizeNanos() {
        return resizeNanos;
    }

    /** Total time turning RGB bytes into the normalised float tensor. */
    public long normalizeNanos() {
        return normalizeNanos;
    }
}
