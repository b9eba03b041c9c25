package dev.facesweep.coordinator.testing;

import dev.facesweep.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;

/** Generated corpora of real face PNGs (the fixture faces), each file with distinct bytes and so its own sha256. */
public final class TestCorpus {

    private TestCorpus() {
    }

    /** {@code count} images spread over {@code facesets} face sets, {@code faceset_NNN/faces/img_NNNN.png}. */
    public static Path facesets(Path root, int count, int facesets) throws IOException {
        List<Path> faces;
        try (var files = Files.list(Fixtures.clipTinyImages())) {
            faces = files.filter(p -> p.getFileName().toString().matches("face_.*\\.png")).sorted().toList();
        }
        for (int i = 0; i < count; i++) {
            byte[] png = Files.readAllBytes(faces.get(i % faces.size()));
            Path file = root.resolve(String.format("faceset_%03d/faces/img_%04d.png", i % facesets, i));
            Files.createDirectories(file.getParent());
            Files.write(file, withTextChunk(png, "facesweep-test copy " + i));
        }
        return root;
    }

    /** The PNG with a tEXt chunk right after its IHDR chunk (8-byte signature + 25-byte IHDR): same pixels. */
    public static byte[] withTextChunk(byte[] png, String text) {
        byte[] data = ("Comment\0" + text).getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer chunk = ByteBuffer.allocate(12 + data.length);
        chunk.putInt(data.length).put("tEXt".getBytes(StandardCharsets.US_ASCII)).put(data);
        CRC32 crc = new CRC32();
        crc.update(chunk.array(), 4, 4 + data.length);
        chunk.putInt((int) crc.getValue());
        ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + chunk.capacity());
        out.write(png, 0, 33);
        out.writeBytes(chunk.array());
        out.write(png, 33, png.length - 33);
        return out.toByteArray();
    }
}
