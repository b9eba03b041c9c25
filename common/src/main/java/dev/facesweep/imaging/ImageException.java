package dev.facesweep.imaging;

/** An image that cannot be scored: corrupt, truncated, not an image, or too large to decode safely. */
public class ImageException extends Exception {

    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
