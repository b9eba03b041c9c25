package dev.facesweep.imaging;

import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * PNG decoder producing the same pixels and mode as Pillow 9.4's PNG plugin, with strict truncation checks.
 *
 * <p>Modes follow Pillow: grey 1-bit opens as "1"; grey 2/4/8-bit as "L" (2- and 4-bit samples scaled by
 * 0x55 / 0x11); grey 16-bit as "I" (the full 16-bit value); RGB and RGBA 16-bit keep the high byte of each
 * sample; grey+alpha 8-bit is "LA"; grey+alpha 16-bit becomes "RGBA" with R = G = B = the high byte of the grey
 * (Pillow's "LA;16B" raw mode); palette images stay "P" whatever their tRNS chunk says. Transparency chunks never change the RGB result and are not read.
 *
 * <p>The header is checked against the {@link DecodeLimits} before any pixel memory is allocated. Every chunk's
 * CRC up to the end of the image data is verified; a file that ends before the image data is complete, or whose
 * compressed data is corrupt, is refused (Pillow raises "image file is truncated" there too). A missing IEND
 * after complete image data is accepted, as Pillow does.
 */
final class PngDecoder {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private static final int IHDR = 0x49484452;
    private static final int PLTE = 0x504C5445;
    private static final int IDAT = 0x49444154;
    private static final int IEND = 0x49454E44;

    /** Adam7 passes: x start, y start, x step, y step. */
    private static final int[][] ADAM7 = {
        {0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};

    private PngDecoder() {
    }

    /** True when {@code data} starts with the PNG signature (or a prefix of it, for truncated files). */
    static boolean looksLikePng(byte[] data) {
        int n = Math.min(data.length, SIGNATURE.length);
        return n >= 4 && Arrays.equals(data, 0, n, SIGNATURE, 0, n);
    }

    static Bitmap decode(byte[] data, DecodeLimits limits) throws ImageException {
        if (data.length < SIGNATURE.length + 8 + 13 + 4) {
            throw new ImageException("truncated PNG: the file is only " + data.length + " bytes, too short for a header");
        }
        if (!Arrays.equals(data, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
            throw new ImageException("not a PNG: the signature bytes are damaged");
        }
        int pos = SIGNATURE.length;
        int len = chunkLength(data, pos);
        if (readInt(data, pos + 4) != IHDR || len != 13) {
            throw new ImageException("corrupt PNG: the first chunk is " + chunkName(data, pos) + " of " + len
                    + " bytes, not a 13-byte IHDR");
        }
        checkCrc(data, pos, len);
        Header h = new Header(
                readInt(data, pos + 8) & 0xFFFF_FFFFL,
                readInt(data, pos + 12) & 0xFFFF_FFFFL,
                data[pos + 16] & 0xFF,
                data[pos + 17] & 0xFF,
                data[pos + 18] & 0xFF,
                data[pos + 19] & 0xFF,
                data[pos + 20] & 0xFF);
        limits.checkDimensions(h.width, h.height);
        h.validate();
        pos += 12 + len;

        byte[] palette = null;
        int[] idatOffsets = new int[8];
        int[] idatLengths = new int[8];
        int idatCount = 0;
        while (true) {
            if (pos + 8 > data.length) {
                if (idatCount > 0) {
                    break; // whether the image data is complete is decided by inflating it
                }
                throw new ImageException("truncated PNG: the file ends at byte " + data.length
                        + " before any image data");
            }
            len = chunkLength(data, pos);
            int type = readInt(data, pos + 4);
            if (type != IDAT && idatCount > 0) {
                break; // end of the image data run; later chunks are irrelevant to the pixels
            }
            if ((long) pos + 12 + len > data.length) {
                throw new ImageException("truncated PNG: chunk " + chunkName(data, pos) + " at byte " + pos
                        + " declares " + len + " bytes but the file ends at byte " + data.length);
            }
            checkCrc(data, pos, len);
            if (type == IDAT) {
                if (idatCount == idatOffsets.length) {
                    idatOffsets = Arrays.copyOf(idatOffsets, idatCount * 2);
                    idatLengths = Arrays.copyOf(idatLengths, idatCount * 2);
                }
                idatOffsets[idatCount] = pos + 8;
                idatLengths[idatCount] = len;
                idatCount++;
            } else if (type == IEND) {
                throw new ImageException("corrupt PNG: IEND comes before any image data (IDAT)");
            } else if (type == IHDR) {
                throw new ImageException("corrupt PNG: a second IHDR chunk at byte " + pos);
            } else if (type == PLTE) {
                palette = readPalette(data, pos + 8, len);
            }
            pos += 12 + len;
        }
        if (h.colorType == 3 && palette == null) {
            throw new ImageException("corrupt PNG: palette image without a PLTE chunk");
        }

        Inflater inflater = new Inflater();
        try {
            ImageData in = new ImageData(data, idatOffsets, idatLengths, idatCount, inflater, h.rawSize());
            Bitmap out = h.allocate(palette);
            if (h.interlace == 0) {
                decodePass(in, h, out, 0, 0, 1, 1);
            } else {
                for (int[] p : ADAM7) {
                    decodePass(in, h, out, p[0], p[1], p[2], p[3]);
                }
            }
            return out;
        } finally {
            inflater.end();
        }
    }

    /** Reads width and height from the IHDR without decoding, or throws when the header is unusable. */
    static long[] size(byte[] data) throws ImageException {
        if (data.length < 24 || chunkLength(data, 8) != 13 || readInt(data, 12) != IHDR) {
            throw new ImageException("corrupt PNG: no IHDR header");
        }
        return new long[] {readInt(data, 16) & 0xFFFF_FFFFL, readInt(data, 20) & 0xFFFF_FFFFL};
    }

    private static void decodePass(ImageData in, Header h, Bitmap out, int x0, int y0, int dx, int dy)
            throws ImageException {
        int passWidth = (int) ((h.width - x0 + dx - 1) / dx);
        int passHeight = (int) ((h.height - y0 + dy - 1) / dy);
        if (passWidth <= 0 || passHeight <= 0) {
            return;
        }
        int rowBytes = h.rowBytes(passWidth);
        int bpp = Math.max(1, h.bitsPerPixel() / 8);
        // index 0 holds the filter type; samples start at 1, so prev[i - bpp] style lookups stay in range
        byte[] cur = new byte[rowBytes + 1];
        byte[] prev = new byte[rowBytes + 1];
        for (int r = 0; r < passHeight; r++) {
            in.readFully(cur, rowBytes + 1);
            unfilter(cur, prev, rowBytes, bpp);
            h.emit(cur, out, y0 + r * dy, x0, dx, passWidth);
            byte[] t = prev;
            prev = cur;
            cur = t;
        }
    }

    private static void unfilter(byte[] cur, byte[] prev, int n, int bpp) throws ImageException {
        int filter = cur[0] & 0xFF;
        switch (filter) {
            case 0:
                break;
            case 1:
                for (int i = 1 + bpp; i <= n; i++) {
                    cur[i] += cur[i - bpp];
                }
                break;
            case 2:
                for (int i = 1; i <= n; i++) {
                    cur[i] += prev[i];
                }
                break;
            case 3:
                for (int i = 1; i <= Math.min(bpp, n); i++) {
                    cur[i] += (prev[i] & 0xFF) >>> 1;
                }
                for (int i = 1 + bpp; i <= n; i++) {
                    cur[i] += ((cur[i - bpp] & 0xFF) + (prev[i] & 0xFF)) >>> 1;
                }
                break;
            case 4:
                for (int i = 1; i <= Math.min(bpp, n); i++) {
                    cur[i] += prev[i];
                }
                for (int i = 1 + bpp; i <= n; i++) {
                    int a = cur[i - bpp] & 0xFF;
                    int b = prev[i] & 0xFF;
                    int c = prev[i - bpp] & 0xFF;
                    int pa = b - c;
                    int pb = a - c;
                    int pc = Math.abs(pa + pb);
                    pa = Math.abs(pa);
                    pb = Math.abs(pb);
                    // written to compile to conditional moves: the choice is data-dependent and mispredicts
                    int bOrC = pb <= pc ? b : c;
                    cur[i] += pa <= Math.min(pb, pc) ? a : bOrC;
                }
                break;
            default:
                throw new ImageException("corrupt PNG: unknown row filter type " + filter);
        }
    }

    private static byte[] readPalette(byte[] data, int off, int len) throws ImageException {
        if (len == 0 || len % 3 != 0 || len > 256 * 3) {
            throw new ImageException("corrupt PNG: PLTE chunk of " + len + " bytes (must be 3 to 768, a multiple of 3)");
        }
        byte[] palette = new byte[256 * 3];
        for (int i = 0; i < 256; i++) {
            palette[3 * i] = palette[3 * i + 1] = palette[3 * i + 2] = (byte) i;
        }
        System.arraycopy(data, off, palette, 0, len);
        return palette;
    }

    private static int chunkLength(byte[] data, int pos) throws ImageException {
        int len = readInt(data, pos);
        if (len < 0) {
            throw new ImageException("corrupt PNG: chunk at byte " + pos + " declares a negative length");
        }
        return len;
    }

    private static void checkCrc(byte[] data, int pos, int len) throws ImageException {
        CRC32 crc = new CRC32();
        crc.update(data, pos + 4, len + 4);
        if ((int) crc.getValue() != readInt(data, pos + 8 + len)) {
            throw new ImageException("corrupt PNG: bad CRC in chunk " + chunkName(data, pos) + " at byte " + pos);
        }
    }

    private static String chunkName(byte[] data, int pos) {
        StringBuilder sb = new StringBuilder(4);
        for (int i = pos + 4; i < pos + 8 && i < data.length; i++) {
            char c = (char) (data[i] & 0xFF);
            sb.append(Character.isLetter(c) ? c : '?');
        }
        return sb.toString();
    }

    private static int readInt(byte[] d, int p) {
        return (d[p] & 0xFF) << 24 | (d[p + 1] & 0xFF) << 16 | (d[p + 2] & 0xFF) << 8 | (d[p + 3] & 0xFF);
    }

    /** IHDR fields and the per-format sample conversion. */
    private record Header(long width, long height, int depth, int colorType, int compression, int filter,
            int interlace) {

        void validate() throws ImageException {
            boolean ok = switch (colorType) {
                case 0 -> depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
                case 3 -> depth == 1 || depth == 2 || depth == 4 || depth == 8;
                case 2, 4, 6 -> depth == 8 || depth == 16;
                default -> false;
            };
            if (!ok) {
                throw new ImageException("corrupt PNG: invalid colour type " + colorType + " with bit depth " + depth);
            }
            if (compression != 0 || filter != 0 || interlace > 1) {
                throw new ImageException("corrupt PNG: unknown compression/filter/interlace method "
                        + compression + "/" + filter + "/" + interlace);
            }
        }

        int channels() {
            return switch (colorType) {
                case 2 -> 3;
                case 4 -> 2;
                case 6 -> 4;
                default -> 1;
            };
        }

        int bitsPerPixel() {
            return channels() * depth;
        }

        int rowBytes(int pixels) {
            return (int) (((long) pixels * bitsPerPixel() + 7) / 8);
        }

        PixelMode mode() {
            return switch (colorType) {
                case 0 -> depth == 1 ? PixelMode.ONE : depth == 16 ? PixelMode.I : PixelMode.L;
                case 2 -> PixelMode.RGB;
                case 3 -> PixelMode.P;
                case 4 -> depth == 16 ? PixelMode.RGBA : PixelMode.LA;
                default -> PixelMode.RGBA;
            };
        }

        /** Filtered, uncompressed bytes the image needs (filter-type bytes included). */
        long rawSize() {
            if (interlace == 0) {
                return height * (rowBytes((int) width) + 1L);
            }
            long total = 0;
            for (int[] p : ADAM7) {
                long pw = (width - p[0] + p[2] - 1) / p[2];
                long ph = (height - p[1] + p[3] - 1) / p[3];
                if (pw > 0 && ph > 0) {
                    total += ph * (rowBytes((int) pw) + 1L);
                }
            }
            return total;
        }

        Bitmap allocate(byte[] palette) throws ImageException {
            PixelMode mode = mode();
            long samples = width * height * mode.bands();
            if (samples > Integer.MAX_VALUE - 16) {
                throw new ImageException("image is " + width + "x" + height + " pixels, too large to decode in memory");
            }
            int w = (int) width;
            int h = (int) height;
            if (mode == PixelMode.I) {
                return new Bitmap(mode, w, h, null, new int[(int) samples], null);
            }
            return new Bitmap(mode, w, h, new byte[(int) samples], null, mode == PixelMode.P ? palette : null);
        }

        /** Converts one unfiltered row (samples from index 1) into pixels x0, x0 + dx, ... of output row y. */
        void emit(byte[] row, Bitmap out, int y, int x0, int dx, int count) {
            int w = out.width();
            if (depth == 16) {
                int ch = channels();
                if (colorType == 0) {
                    int[] dst = out.ints();
                    int d = y * w + x0;
                    for (int i = 0, s = 1; i < count; i++, s += 2, d += dx) {
                        dst[d] = (row[s] & 0xFF) << 8 | (row[s + 1] & 0xFF);
                    }
                    return;
                }
                byte[] dst = out.pixels();
                if (colorType == 4) {
                    // Pillow opens 16-bit grey+alpha as RGBA: grey high byte in R, G and B, alpha high byte in A
                    for (int i = 0, s = 1; i < count; i++, s += 4) {
                        int d = ((y * w) + x0 + i * dx) * 4;
                        dst[d] = dst[d + 1] = dst[d + 2] = row[s];
                        dst[d + 3] = row[s + 2];
                    }
                    return;
                }
                // keep the high byte of each 16-bit sample, as Pillow's ";16B" unpackers do
                for (int i = 0, s = 1; i < count; i++) {
                    int d = ((y * w) + x0 + i * dx) * ch;
                    for (int c = 0; c < ch; c++, s += 2) {
                        dst[d + c] = row[s];
                    }
                }
                return;
            }
            byte[] dst = out.pixels();
            if (depth == 8) {
                int ch = channels();
                if (dx == 1) {
                    System.arraycopy(row, 1, dst, (y * w + x0) * ch, count * ch);
                    return;
                }
                for (int i = 0, s = 1; i < count; i++, s += ch) {
                    int d = (y * w + x0 + i * dx) * ch;
                    for (int c = 0; c < ch; c++) {
                        dst[d + c] = row[s + c];
                    }
                }
                return;
            }
            // 1, 2 or 4 bits per sample, grey or palette: one sample per pixel, most significant bits first
            int mask = (1 << depth) - 1;
            int scale = colorType == 3 ? 1 : depth == 1 ? 255 : depth == 2 ? 0x55 : 0x11;
            for (int i = 0; i < count; i++) {
                int bit = i * depth;
                int v = (row[1 + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask;
                dst[y * w + x0 + i * dx] = (byte) (v * scale);
            }
        }
    }

    /** The concatenated IDAT payloads, inflated on demand. */
    private static final class ImageData {
        private final byte[] file;
        private final int[] offsets;
        private final int[] lengths;
        private final int count;
        private final Inflater inflater;
        private final long expected;
        private int next;
        private long produced;

        ImageData(byte[] file, int[] offsets, int[] lengths, int count, Inflater inflater, long expected) {
            this.file = file;
            this.offsets = offsets;
            this.lengths = lengths;
            this.count = count;
            this.inflater = inflater;
            this.expected = expected;
        }

        void readFully(byte[] dst, int n) throws ImageException {
            int filled = 0;
            try {
                while (filled < n) {
                    int got = inflater.inflate(dst, filled, n - filled);
                    filled += got;
                    if (got > 0) {
                        continue;
                    }
                    if (inflater.finished()) {
                        throw new ImageException("corrupt PNG: the compressed image data ends after "
                                + (produced + filled) + " of " + expected + " bytes");
                    }
                    if (inflater.needsDictionary()) {
                        throw new ImageException("corrupt PNG: the image data asks for a preset zlib dictionary");
                    }
                    if (!inflater.needsInput()) {
                        throw new ImageException("corrupt PNG: the compressed image data stalls after "
                                + (produced + filled) + " of " + expected + " bytes");
                    }
                    if (next == count) {
                        throw new ImageException("truncated PNG: the image data stops after "
                                + (produced + filled) + " of " + expected + " bytes");
                    }
                    inflater.setInput(file, offsets[next], lengths[next]);
                    next++;
                }
            } catch (DataFormatException e) {
                throw new ImageException("corrupt PNG: bad compressed image data (" + e.getMessage() + ")", e);
            }
            produced += n;
        }
    }
}
