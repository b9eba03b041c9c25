package dev.facesweep.imaging;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Builds PNG files byte by byte (independently of the decoder) to craft valid and broken inputs. */
final class TestPngs {

    static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private TestPngs() {
        out.writeBytes(SIGNATURE);
    }

    static TestPngs start() {
        return new TestPngs();
    }

    TestPngs ihdr(int width, int height, int depth, int colorType) {
        ByteBuffer b = ByteBuffer.allocate(13).putInt(width).putInt(height);
        b.put((byte) depth).put((byte) colorType).put((byte) 0).put((byte) 0).put((byte) 0);
        return chunk("IHDR", b.array());
    }

    TestPngs chunk(String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return this;
    }

    /** One IDAT holding {@code raw} (filter bytes included) deflated with zlib. */
    TestPngs idat(byte[] raw) {
        return chunk("IDAT", deflate(raw));
    }

    TestPngs iend() {
        return chunk("IEND", new byte[0]);
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    static byte[] deflate(byte[] raw) {
        Deflater d = new Deflater();
        d.setInput(raw);
        d.finish();
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            z.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return z.toByteArray();
    }

    /** Unfiltered rows (filter type 0) of {@code rowBytes} bytes each, filled by {@code value(row, byteIndex)}. */
    static byte[] rawRows(int rows, int rowBytes, java.util.function.IntBinaryOperator value) {
        byte[] raw = new byte[rows * (rowBytes + 1)];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < rowBytes; i++) {
                raw[r * (rowBytes + 1) + 1 + i] = (byte) value.applyAsInt(r, i);
            }
        }
        return raw;
    }
}
