package dev.facesweep.coordinator.testing;

import dev.facesweep.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * A corpus of any size made from the clip-tiny fixture images: {@code faceset_NN/faces/img_NNNN.png|jpg}. Every
 * file is a fixture image with one extra metadata block carrying a counter (a PNG {@code tEXt} chunk after
 * {@code IHDR}, a JPEG comment after {@code SOI}), so every file has its own sha256 while it decodes to exactly
 * the fixture's pixels.
 */
public final class GeneratedCorpus {

    /** Relative paths (forward slashes) of the generated images, in creation order. */
    public final List<String> images;
    public final Path root;

    private GeneratedCorpus(Path root, List<String> images) {
        this.root = root;
        this.images = List.copyOf(images);
    }

    public static GeneratedCorpus create(Path root, int facesets, int perFaceset) throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.list(Fixtures.clipTinyImages())) {
            sources = files.filter(f -> f.toString().endsWith(".png") || f.toString().endsWith(".jpg")).sorted()
                    .toList();
        }
        List<byte[]> bytes = new ArrayList<>();
        for (Path source : sources) {
            bytes.add(Files.readAllBytes(source));
        }
        List<String> images = new ArrayList<>();
        int counter = 0;
        for (int set = 0; set < facesets; set++) {
            for (int i = 0; i < perFaceset; i++) {
                int pick = counter % sources.size();
                boolean jpeg = sources.get(pick).toString().endsWith(".jpg");
                String rel = String.format("faceset_%02d/faces/img_%04d.%s", set, counter, jpeg ? "jpg" : "png");
                byte[] variant = jpeg ? withJpegComment(bytes.get(pick), "facesweep test " + counter)
                        : withPngText(bytes.get(pick), "facesweep test " + counter);
                write(root.resolve(rel), variant);
                images.add(rel);
                counter++;
            }
        }
        return new GeneratedCorpus(root, images);
    }

    public static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    /** The PNG with a {@code tEXt} chunk ({@code Comment}) inserted right after {@code IHDR}. */
    public static byte[] withPngText(byte[] png, String text) {
        int afterIhdr = 8 + 4 + 4 + 13 + 4;
        if (png.length < afterIhdr || !new String(png, 12, 4, StandardCharsets.US_ASCII).equals("IHDR")) {
            throw new IllegalArgumentException("not a PNG starting with IHDR");
        }
        byte[] data = ("Comment\0" + text).getBytes(StandardCharsets.ISO_8859_1);
        byte[] type = "tEXt".getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(data);
        ByteBuffer chunk = ByteBuffer.allocate(12 + data.length);
        chunk.putInt(data.length).put(type).put(data).putInt((int) crc.getValue());
        ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + chunk.capacity());
        out.write(png, 0, afterIhdr);
        out.writeBytes(chunk.array());
        out.write(png, afterIhdr, png.length - afterIhdr);
        return out.toByteArray();
    }

    /** The JPEG with a comment segment ({@code COM}) inserted right after {@code SOI}. */
    public static byte[] withJpegComment(byte[] jpeg, String text) {
        if (jpeg.length < 2 || (jpeg[0] & 0xff) != 0xff || (jpeg[1] & 0xff) != 0xd8) {
            throw new IllegalArgumentException("not a JPEG");
        }
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + data.length + 4);
        out.write(jpeg, 0, 2);
        out.write(0xff);
        out.write(0xfe);
        out.write((data.length + 2) >> 8);
        out.write((data.length + 2) & 0xff);
        out.writeBytes(data);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** The first {@code n} bytes of a file's content, e.g. a truncated PNG. */
    public static byte[] truncated(Path file, int n) throws IOException {
        return Arrays.copyOf(Files.readAllBytes(file), n);
    }
}
