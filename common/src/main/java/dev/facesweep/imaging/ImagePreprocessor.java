package dev.facesweep.imaging;

/**
 * Turns one encoded image into the model's input tensor, exactly as open_clip's eval transform does.
 *
 * <p>Implementations are thread-safe; callers batch by giving each image its own offset in a shared buffer.
 */
public interface ImagePreprocessor {

    /** Output width and height in pixels (224 for ViT-L-14). */
    int width();

    int height();

    /** Floats written per image: 3 * height * width (NCHW, RGB order). */
    default int tensorSize() {
        return 3 * width() * height();
    }

    /**
     * Decodes {@code encoded}, resizes, crops and normalises it into {@code dest[offset .. offset + tensorSize())}.
     *
     * @throws ImageException when the bytes are not a readable image or break the decode limits; the message is
     *     one line saying what is wrong (the caller adds the file name)
     */
    void preprocess(byte[] encoded, float[] dest, int offset) throws ImageException;
}
