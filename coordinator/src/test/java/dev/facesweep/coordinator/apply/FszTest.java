package dev.facesweep.coordinator.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FszTest {

    @TempDir
    Path dir;

    /** Builds a zip with the JDK: deflated members use data descriptors, stored ones do not. */
    private Path zip(String name, boolean stored, String comment, String... members) throws Exception {
        Path file = dir.resolve(name);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            if (comment != null) {
                zip.setComment(comment);
            }
            for (String member : members) {
                byte[] content = ("content of " + member + " ").repeat(50).getBytes(StandardCharsets.UTF_8);
                ZipEntry e = new ZipEntry(member);
                e.setTime(1_600_000_000_000L);
                e.setComment("c-" + member);
                if (stored) {
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(content.length);
                    CRC32 crc = new CRC32();
                    crc.update(content);
                    e.setCrc(crc.getValue());
                }
                zip.putNextEntry(e);
                zip.write(content);
                zip.closeEntry();
            }
        }
        Files.write(file, bytes.toByteArray());
        return file;
    }

    private static List<String> names(Path zip) throws Exception {
        List<String> names = new ArrayList<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> e = z.entries();
            while (e.hasMoreElements()) {
                names.add(e.nextElement().getName());
            }
        }
        return names;
    }

    private static byte[] content(Path zip, String member) throws Exception {
        try (ZipFile z = new ZipFile(zip.toFile()); InputStream in = z.getInputStream(z.getEntry(member))) {
            return in.readAllBytes();
        }
    }

    @Test
    void dropsMembersByBaseNameKeepingOrderContentAndMetadata() throws Exception {
        for (boolean stored : new boolean[] {true, false}) {
            Path source = zip("in-" + stored + ".fsz", stored, "set comment", "faces/b.png", "faces/a b.png",
                    "faces/ü.png", "meta.json", "faces/c.png");
            Path target = dir.resolve("out-" + stored + ".fsz");

            List<String> dropped = Fsz.rebuild(source, target, Set.of("a b.png", "c.png", "missing.png"));

            assertThat(dropped).containsExactly("faces/a b.png", "faces/c.png");
            assertThat(names(target)).containsExactly("faces/b.png", "faces/ü.png", "meta.json");
            try (ZipFile in = new ZipFile(source.toFile()); ZipFile out = new ZipFile(target.toFile())) {
                assertThat(out.getComment()).isEqualTo("set comment");
                for (String member : names(target)) {
                    ZipEntry a = in.getEntry(member);
                    ZipEntry b = out.getEntry(member);
                    assertThat(b.getMethod()).isEqualTo(a.getMethod());
                    assertThat(b.getCrc()).isEqualTo(a.getCrc());
                    assertThat(b.getCompressedSize()).isEqualTo(a.getCompressedSize());
                    assertThat(b.getTime()).isEqualTo(a.getTime());
                    assertThat(b.getComment()).isEqualTo(a.getComment());
                    assertThat(content(target, member)).isEqualTo(content(source, member));
                }
            }
            // a streaming reader walks the local records one after the other: they must be contiguous and valid
            List<String> streamed = new ArrayList<>();
            try (ZipInputStream zin = new ZipInputStream(Files.newInputStream(target))) {
                for (ZipEntry e; (e = zin.getNextEntry()) != null; ) {
                    streamed.add(e.getName());
                    assertThat(zin.readAllBytes()).isEqualTo(content(source, e.getName()));
                }
            }
            assertThat(streamed).containsExactly("faces/b.png", "faces/ü.png", "meta.json");
        }
    }

    @Test
    void keptMembersAreCopiedByteForByte() throws Exception {
        Path source = zip("in.fsz", false, null, "x.png", "y.png");
        Path target = dir.resolve("out.fsz");
        Fsz.rebuild(source, target, Set.of("x.png"));
        byte[] in = Files.readAllBytes(source);
        byte[] out = Files.readAllBytes(target);
        Fsz.Member y = Fsz.read(source).members().get(1);
        long end = Fsz.read(source).members().get(0).localOffset() == 0 ? firstCentral(in) : -1;
        // y's whole local record (header, data, data descriptor) opens the output unchanged
        byte[] record = Arrays.copyOfRange(in, (int) y.localOffset(), (int) end);
        assertThat(Arrays.copyOfRange(out, 0, record.length)).isEqualTo(record);
    }

    /** Offset of the first central-directory header. */
    private static long firstCentral(byte[] zip) {
        for (int i = 0; i + 4 <= zip.length; i++) {
            if (zip[i] == 0x50 && zip[i + 1] == 0x4b && zip[i + 2] == 1 && zip[i + 3] == 2) {
                return i;
            }
        }
        throw new AssertionError("no central directory");
    }

    @Test
    void droppingEverythingLeavesAnEmptyValidArchive() throws Exception {
        Path source = zip("in.fsz", true, null, "a.png");
        Path target = dir.resolve("out.fsz");
        Fsz.rebuild(source, target, Set.of("a.png"));
        assertThat(names(target)).isEmpty();
        assertThat(Fsz.read(target).members()).isEmpty();
    }

    @Test
    void damagedArchivesAreReportedNotRebuilt() throws Exception {
        Path notZip = dir.resolve("x.fsz");
        Files.writeString(notZip, "definitely not a zip file, but long enough to search");
        assertThatThrownBy(() -> Fsz.read(notZip)).isInstanceOf(Fsz.FszException.class)
                .hasMessageContaining("not a zip archive");
        Path good = zip("good.fsz", false, null, "a.png", "b.png");
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = dir.resolve("t.fsz");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 10));
        assertThatThrownBy(() -> Fsz.read(truncated)).isInstanceOf(Fsz.FszException.class);
        Path tooShort = dir.resolve("s.fsz");
        Files.write(tooShort, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Fsz.read(tooShort)).hasMessageContaining("too short");
    }
}
