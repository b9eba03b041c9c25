package dev.facesweep.coordinator.apply;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A roop {@code .fsz} face set: a zip of face PNGs. Rebuilding copies the kept members' records byte for byte
 * (local header, data and data descriptor; nothing is recompressed) in the original central-directory order and
 * writes a new central directory; the archive comment and any leading bytes are kept. Zip64 archives are not
 * supported (a face set never needs 4 GiB or 65535 members) and are reported like a damaged archive.
 */
final class Fsz {

    private static final int LOCAL_SIG = 0x04034b50;
    private static final int CENTRAL_SIG = 0x02014b50;
    private static final int EOCD_SIG = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int DESCRIPTOR_SIG = 0x08074b50;
    private static final int LOCAL_FIXED = 30;
    private static final int CENTRAL_FIXED = 46;
    private static final int EOCD_FIXED = 22;
    private static final int UTF8_FLAG = 1 << 11;
    private static final int DESCRIPTOR_FLAG = 1 << 3;

    /** One member as the central directory describes it. */
    record Member(String name, int flags, long compressedSize, long localOffset, byte[] centralRecord) {

        /** The file-name part of the member name (after the last {@code /} or {@code \}). */
        String baseName() {
            int cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
            return name.substring(cut + 1);
        }
    }

    /** The archive's structure: members in central-directory order. */
    record Listing(List<Member> members, long firstLocalOffset, byte[] comment) {

        List<String> names() {
            List<String> names = new ArrayList<>(members.size());
            members.forEach(m -> names.add(m.name()));
            return names;
        }
    }

    /** The archive cannot be rebuilt safely; the message says why in one line. */
    static final class FszException extends Exception {
        FszException(String message) {
            super(message);
        }
    }

    private Fsz() {
    }

    /** Reads the central directory. */
    static Listing read(Path file) throws IOException, FszException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch);
        }
    }

    private static Listing read(FileChannel ch) throws IOException, FszException {
        long size = ch.size();
        if (size < EOCD_FIXED) {
            throw new FszException("not a zip archive (too short)");
        }
        int tailLength = (int) Math.min(size, EOCD_FIXED + 0xFFFF);
        ByteBuffer tail = readAt(ch, size - tailLength, tailLength);
        int eocd = -1;
        for (int i = tailLength - EOCD_FIXED; i >= 0; i--) {
            if (tail.getInt(i) == EOCD_SIG && i + EOCD_FIXED + u16(tail, i + 20) == tailLength) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw new FszException("not a zip archive (no end of central directory)");
        }
        if (eocd >= 20 && tail.getInt(eocd - 20) == ZIP64_LOCATOR_SIG) {
            throw new FszException("zip64 archive, not supported: rebuild it by hand");
        }
        int disk = u16(tail, eocd + 4);
        int cdDisk = u16(tail, eocd + 6);
        int count = u16(tail, eocd + 10);
        long cdSize = u32(tail, eocd + 12);
        long cdOffset = u32(tail, eocd + 16);
        int commentLength = u16(tail, eocd + 20);
        if (disk != 0 || cdDisk != 0 || count != u16(tail, eocd + 8)) {
            throw new FszException("multi-disk zip archive, not supported");
        }
        if (count == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL) {
            throw new FszException("zip64 archive, not supported: rebuild it by hand");
        }
        long eocdPosition = size - tailLength + eocd;
        if (cdOffset + cdSize != eocdPosition) {
            throw new FszException("central directory is not where the archive says (damaged or has a prefix)");
        }
        byte[] comment = new byte[commentLength];
        tail.get(eocd + EOCD_FIXED, comment);
        if (cdSize > Integer.MAX_VALUE) {
            throw new FszException("central directory too large");
        }
        ByteBuffer cd = readAt(ch, cdOffset, (int) cdSize);
        List<Member> members = new ArrayList<>(count);
        int p = 0;
        long firstLocal = count == 0 ? cdOffset : Long.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            if (p + CENTRAL_FIXED > cdSize || cd.getInt(p) != CENTRAL_SIG) {
                throw new FszException("central directory entry " + i + " is damaged");
            }
            int flags = u16(cd, p + 8);
            long compressed = u32(cd, p + 20);
            long uncompressed = u32(cd, p + 24);
            int nameLength = u16(cd, p + 28);
            int extraLength = u16(cd, p + 30);
            int entryCommentLength = u16(cd, p + 32);
            long localOffset = u32(cd, p + 42);
            int recordLength = CENTRAL_FIXED + nameLength + extraLength + entryCommentLength;
            if (p + recordLength > cdSize) {
                throw new FszException("central directory entry " + i + " is damaged");
            }
            if (compressed == 0xFFFFFFFFL || uncompressed == 0xFFFFFFFFL || localOffset == 0xFFFFFFFFL) {
                throw new FszException("zip64 member, not supported: rebuild it by hand");
            }
            if (localOffset + LOCAL_FIXED > cdOffset) {
                throw new FszException("member " + i + " points outside the archive");
            }
            byte[] nameBytes = new byte[nameLength];
            cd.get(p + CENTRAL_FIXED, nameBytes);
            byte[] record = new byte[recordLength];
            cd.get(p, record);
            members.add(new Member(decodeName(nameBytes, flags), flags, compressed, localOffset, record));
            firstLocal = Math.min(firstLocal, localOffset);
            p += recordLength;
        }
        return new Listing(Collections.unmodifiableList(members), firstLocal, comment);
    }

    /**
     * Writes {@code target}: {@code source} without the members whose base name is in {@code dropNames}.
     *
     * @return the names of the members left out, in archive order
     */
    static List<String> rebuild(Path source, Path target, Set<String> dropNames) throws IOException, FszException {
        List<String> dropped = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            Listing listing = read(in);
            copy(in, 0, listing.firstLocalOffset(), out);
            List<byte[]> central = new ArrayList<>();
            for (Member m : listing.members()) {
                if (dropNames.contains(m.baseName())) {
                    dropped.add(m.name());
                    continue;
                }
                kept.add(m.name());
                long newOffset = out.position();
                copy(in, m.localOffset(), recordLength(in, m), out);
                if (newOffset > 0xFFFFFFFEL) {
                    throw new FszException("rebuilt archive would need zip64");
                }
                byte[] record = m.centralRecord().clone();
                ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN).putInt(42, (int) newOffset);
                central.add(record);
            }
            long cdOffset = out.position();
            long cdSize = 0;
            for (byte[] record : central) {
                out.write(ByteBuffer.wrap(record));
                cdSize += record.length;
            }
            ByteBuffer eocd = ByteBuffer.allocate(EOCD_FIXED + listing.comment().length)
                    .order(ByteOrder.LITTLE_ENDIAN);
            eocd.putInt(EOCD_SIG).putShort((short) 0).putShort((short) 0)
                    .putShort((short) central.size()).putShort((short) central.size())
                    .putInt((int) cdSize).putInt((int) cdOffset)
                    .putShort((short) listing.comment().length).put(listing.comment());
            eocd.flip();
            while (eocd.hasRemaining()) {
                out.write(eocd);
            }
            out.force(true);
        }
        verify(target, kept);
        return dropped;
    }

    /** Opens the written archive with the JDK's zip reader and checks the member names and order. */
    private static void verify(Path target, List<String> expected) throws IOException, FszException {
        List<String> names = new ArrayList<>();
        try (ZipFile zip = openJdk(target)) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                names.add(entries.nextElement().getName());
            }
        } catch (ZipException e) {
            throw new FszException("rebuilt archive does not read back: " + e.getMessage());
        }
        if (!names.equals(expected)) {
            throw new FszException("rebuilt archive reads back with other members than written");
        }
    }

    private static ZipFile openJdk(Path file) throws IOException {
        try {
            return new ZipFile(file.toFile(), StandardCharsets.UTF_8);
        } catch (ZipException e) {
            return new ZipFile(file.toFile(), cp437());
        }
    }

    /** Bytes of a member's local record: header, name, extra, data and data descriptor. */
    private static long recordLength(FileChannel in, Member m) throws IOException, FszException {
        ByteBuffer local = readAt(in, m.localOffset(), LOCAL_FIXED);
        if (local.getInt(0) != LOCAL_SIG) {
            throw new FszException("member " + m.name() + " has no local header where the directory says");
        }
        long length = LOCAL_FIXED + u16(local, 26) + u16(local, 28) + m.compressedSize();
        if ((m.flags() & DESCRIPTOR_FLAG) != 0) {
            long at = m.localOffset() + length;
            if (at + 4 <= in.size() && readAt(in, at, 4).getInt(0) == DESCRIPTOR_SIG) {
                length += 16;
            } else {
                length += 12;
            }
        }
        if (m.localOffset() + length > in.size()) {
            throw new FszException("member " + m.name() + " runs past the end of the archive");
        }
        return length;
    }

    private static void copy(FileChannel in, long from, long length, FileChannel out) throws IOException {
        long done = 0;
        while (done < length) {
            long n = in.transferTo(from + done, length - done, out);
            if (n <= 0) {
                throw new IOException("short read copying archive bytes");
            }
            done += n;
        }
    }

    private static ByteBuffer readAt(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        buf.flip();
        return buf;
    }

    private static int u16(ByteBuffer b, int at) {
        return Short.toUnsignedInt(b.getShort(at));
    }

    private static long u32(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(b.getInt(at));
    }

    private static String decodeName(byte[] bytes, int flags) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            if ((flags & UTF8_FLAG) != 0) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
            return new String(bytes, cp437());
        }
    }

    private static Charset cp437() {
        return Charset.isSupported("IBM437") ? Charset.forName("IBM437") : StandardCharsets.ISO_8859_1;
    }
}
