package dev.facesweep.coordinator.apply;

import dev.facesweep.coordinator.plan.PlanImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Random corpora in the user's layout (seeded), with scores, for apply/revert tests. */
final class CorpusGenerator {

    static final List<String> ATTRIBUTES = List.of("mask", "sunglasses");

    /** One generated image. */
    record Image(String faceset, String rel, String name, Map<String, Double> scores, String error) {
        boolean unreadable() {
            return error != null;
        }

        PlanImage toPlanImage() {
            return error != null ? PlanImage.unreadable(faceset, rel, error) : PlanImage.scored(faceset, rel, scores);
        }
    }

    /**
     * One generated face set.
     *
     * @param imageDir folder of the images relative to the root ({@code F/faces} or {@code F})
     * @param fszMembers member names in archive order (empty without an archive)
     * @param manifestStyle null without a manifest
     * @param entryImage per faces[] entry index, the image file name it names (null: names nothing)
     */
    record Faceset(String name, String imageDir, List<Image> images, String fsz, List<String> fszMembers,
            TestJson.Style manifestStyle, JsonNode manifest, List<String> entryImage) {
    }

    record Corpus(Path root, List<Faceset> facesets, JsonNode master, TestJson.Style masterStyle,
            List<String> collisions) {

        List<PlanImage> planImages() {
            List<PlanImage> out = new ArrayList<>();
            facesets.forEach(f -> f.images().forEach(i -> out.add(i.toPlanImage())));
            return out;
        }
    }

    private final Random random;
    private final Path root;
    private final List<String> collisions = new ArrayList<>();

    private CorpusGenerator(long seed, Path root) {
        this.random = new Random(seed);
        this.root = root;
    }

    /** A random corpus of {@code facesets} face sets with 1..maxImages images each. */
    static Corpus generate(Path root, long seed, int facesets, int maxImages) throws IOException {
        return new CorpusGenerator(seed, root).corpus(facesets, maxImages);
    }

    private Corpus corpus(int count, int maxImages) throws IOException {
        Files.createDirectories(root);
        List<Faceset> facesets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            facesets.add(faceset(facesetName(i), 1 + random.nextInt(maxImages)));
        }
        JsonNode master = null;
        TestJson.Style masterStyle = null;
        if (random.nextInt(3) > 0) {
            masterStyle = style();
            master = master();
            Files.writeString(root.resolve("manifest.json"), TestJson.write(master, masterStyle));
        }
        if (random.nextBoolean()) {
            Files.writeString(root.resolve("README.txt"), "corpus notes " + random.nextInt());
        }
        return new Corpus(root, facesets, master, masterStyle, collisions);
    }

    private String facesetName(int i) {
        return switch (random.nextInt(6)) {
            case 0 -> String.format("face set %03d", i);
            case 1 -> String.format("Zoë_%03d", i);
            case 2 -> String.format("面孔_%03d", i);
            default -> String.format("faceset_%03d", i);
        };
    }

    private String imageName(int i) {
        return switch (random.nextInt(8)) {
            case 0 -> String.format("img %04d.png", i);
            case 1 -> String.format("ñandú_%04d.png", i);
            case 2 -> String.format("顔_%04d.png", i);
            default -> String.format("%04d.png", i);
        };
    }

    private Faceset faceset(String name, int n) throws IOException {
        Path dir = root.resolve(name);
        boolean facesFolder = random.nextInt(8) > 0;
        String imageDir = facesFolder ? name + "/faces" : name;
        Files.createDirectories(root.resolve(imageDir));
        double rate = List.of(0.0, 0.0, 0.1, 0.25, 0.5, 0.9).get(random.nextInt(6));
        List<Image> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String file = imageName(i);
            byte[] bytes = pngLike(file);
            Files.write(root.resolve(imageDir).resolve(file), bytes);
            String error = random.nextInt(20) == 0 ? "not a PNG (made up)" : null;
            images.add(new Image(name, imageDir + "/" + file, file, error == null ? scores(rate) : Map.of(), error));
        }
        if (random.nextInt(4) == 0) {
            Files.writeString(dir.resolve("notes.txt"), "keep me " + random.nextInt());
        }
        if (facesFolder && random.nextInt(5) == 0) {
            // a previous run's leftover with the same name as one of the images: apply must not overwrite it
            List<Image> flagged = images.stream()
                    .filter(im -> im.scores().values().stream().anyMatch(p -> p >= 0.7)).toList();
            List<Image> pool = flagged.isEmpty() ? images : flagged;
            Image victim = pool.get(random.nextInt(pool.size()));
            Path dropped = root.resolve(imageDir).resolve("_dropped");
            Files.createDirectories(dropped);
            Files.write(dropped.resolve(victim.name()), ("old " + random.nextInt()).getBytes(StandardCharsets.UTF_8));
            collisions.add(imageDir + "/_dropped/" + victim.name());
        }
        if (random.nextInt(6) == 0) {
            String folder = random.nextBoolean() ? "_masked" : "_thin";
            Files.createDirectories(root.resolve(folder).resolve(name));
            Files.writeString(root.resolve(folder).resolve(name).resolve("old.txt"), "earlier quarantine");
            collisions.add(folder + "/" + name);
        }
        String fsz = null;
        List<String> members = new ArrayList<>();
        if (random.nextInt(5) > 0) {
            fsz = name + "/" + name + ".fsz";
            members = writeFsz(root.resolve(fsz), images, imageDir);
        }
        TestJson.Style style = null;
        JsonNode manifest = null;
        List<String> entryImage = new ArrayList<>();
        if (random.nextInt(4) > 0) {
            style = style();
            manifest = facesetManifest(name, images, entryImage);
            Files.writeString(dir.resolve("manifest.json"), TestJson.write(manifest, style));
        }
        return new Faceset(name, imageDir, images, fsz, members, style, manifest, entryImage);
    }

    private Map<String, Double> scores(double rate) {
        Map<String, Double> scores = new LinkedHashMap<>();
        boolean flagged = random.nextDouble() < rate;
        String flagging = ATTRIBUTES.get(random.nextInt(ATTRIBUTES.size()));
        for (String attribute : ATTRIBUTES) {
            double p;
            if (flagged && attribute.equals(flagging)) {
                p = random.nextInt(10) == 0 ? 0.7 : 0.7 + random.nextDouble() * 0.3;
            } else {
                p = random.nextDouble() * 0.6999;
            }
            scores.put(attribute, p);
        }
        return scores;
    }

    private byte[] pngLike(String name) {
        byte[] body = new byte[64 + random.nextInt(2000)];
        random.nextBytes(body);
        byte[] sig = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        byte[] out = new byte[sig.length + body.length];
        System.arraycopy(sig, 0, out, 0, sig.length);
        System.arraycopy(body, 0, out, sig.length, body.length);
        return out;
    }

    private List<String> writeFsz(Path file, List<Image> images, String imageDir) throws IOException {
        boolean nested = random.nextBoolean();
        boolean stored = random.nextBoolean();
        List<Image> order = new ArrayList<>(images);
        Collections.shuffle(order, random);
        List<String> members = new ArrayList<>();
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            if (random.nextBoolean()) {
                zip.setComment("roop face set " + random.nextInt());
            }
            for (Image image : order) {
                byte[] bytes = Files.readAllBytes(root.resolve(image.rel()));
                String member = nested ? "faces/" + image.name() : image.name();
                putEntry(zip, member, bytes, stored);
                members.add(member);
            }
            if (random.nextInt(3) == 0) {
                putEntry(zip, "meta.json", "{\"kind\": \"faceset\"}".getBytes(StandardCharsets.UTF_8), stored);
                members.add("meta.json");
            }
        }
        return members;
    }

    private static void putEntry(ZipOutputStream zip, String name, byte[] bytes, boolean stored) throws IOException {
        ZipEntry e = new ZipEntry(name);
        if (stored) {
            e.setMethod(ZipEntry.STORED);
            e.setSize(bytes.length);
            e.setCompressedSize(bytes.length);
            CRC32 crc = new CRC32();
            crc.update(bytes);
            e.setCrc(crc.getValue());
        }
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }

    private TestJson.Style style() {
        boolean ascii = random.nextBoolean();
        boolean newline = random.nextBoolean();
        return switch (random.nextInt(5)) {
            case 0 -> new TestJson.Style("  ", ",", ": ", ascii, newline);
            case 1 -> new TestJson.Style("    ", ",", ": ", ascii, newline);
            case 2 -> new TestJson.Style("\t", ",", ": ", ascii, newline);
            case 3 -> new TestJson.Style(null, ", ", ": ", ascii, newline);
            default -> new TestJson.Style(null, ",", ":", ascii, newline);
        };
    }

    private JsonNode facesetManifest(String name, List<Image> images, List<String> entryImage) {
        ObjectNode m = TestJson.MAPPER.createObjectNode();
        List<Runnable> fields = new ArrayList<>();
        int shape = random.nextInt(4);
        fields.add(() -> m.put("name", name));
        fields.add(() -> {
            ArrayNode faces = m.putArray("faces");
            for (Image image : images) {
                if (random.nextInt(10) == 0) {
                    continue; // an image the manifest does not list
                }
                faces.add(entry(shape, image, faces.size()));
                entryImage.add(image.name());
            }
            if (random.nextInt(3) == 0) {
                ObjectNode other = faces.addObject();
                other.put("file", "faces/not-in-corpus.png");
                other.put("note", "stale entry from elsewhere");
                entryImage.add(null);
            }
        });
        fields.add(() -> m.put("source", "video_" + random.nextInt(100) + ".mp4"));
        fields.add(() -> {
            ObjectNode meta = m.putObject("meta");
            meta.put("détecteur", "retinaface");
            meta.putArray("sizes").add(512).add(256);
            meta.put("ratio", 0.5);
        });
        fields.add(() -> m.put("version", 3));
        Collections.shuffle(fields, random);
        fields.forEach(Runnable::run);
        return m;
    }

    private JsonNode entry(int shape, Image image, int index) {
        return switch (shape) {
            case 0 -> {
                ObjectNode e = TestJson.MAPPER.createObjectNode();
                List<Runnable> fields = new ArrayList<>(List.of(
                        () -> e.put("file", "faces/" + image.name()),
                        () -> e.put("w", 512),
                        () -> e.put("h", 512),
                        () -> e.put("quality", "good")));
                Collections.shuffle(fields, random);
                fields.forEach(Runnable::run);
                yield e;
            }
            case 1 -> {
                ObjectNode e = TestJson.MAPPER.createObjectNode();
                e.put("id", index);
                e.put("png", image.name());
                e.put("frame", random.nextInt(10000));
                yield e;
            }
            case 2 -> TestJson.MAPPER.getNodeFactory().stringNode("faces/" + image.name());
            default -> {
                ObjectNode e = TestJson.MAPPER.createObjectNode();
                e.put("path", "E:\\corpus\\" + image.faceset() + "\\faces\\" + image.name());
                e.putObject("bbox").put("x", 1).put("y", 2);
                yield e;
            }
        };
    }

    private JsonNode master() {
        ObjectNode m = TestJson.MAPPER.createObjectNode();
        List<Runnable> fields = new ArrayList<>(List.of(
                () -> m.put("version", 2),
                () -> m.putArray("thin_eras").add("2019"),
                () -> m.putArray("masked").addObject().put("name", "old_set").put("reason", "manual"),
                () -> m.putArray("merged"),
                () -> m.put("notes", "garçon")));
        if (random.nextBoolean()) {
            fields.add(() -> m.putObject("occlusion_filter_run").put("date", "2024-05-01").put("model", "seed-py"));
        }
        Collections.shuffle(fields, random);
        fields.forEach(Runnable::run);
        return m;
    }
}
