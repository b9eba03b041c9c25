package dev.facesweep.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The compact form of an embedding used on the wire and in the store: IEEE-754 float32 values, little-endian,
 * back to back ({@code 4 * dim} bytes).
 */
public final class EmbeddingBytes {

    private EmbeddingBytes() {
    }

    public static byte[] toBytes(float[] embedding) {
        ByteBuffer buffer = ByteBuffer.allocate(embedding.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(embedding);
        return buffer.array();
    }

    /** @throws IllegalArgumentException when the length is not a multiple of 4 */
    public static float[] fromBytes(byte[] bytes) {
        if (bytes.length % Float.BYTES != 0) {
            throw new IllegalArgumentException("embedding has " + bytes.length
                    + " bytes, not a multiple of 4 (float32 values)");
        }
        float[] embedding = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(embedding);
        return embedding;
    }
}
