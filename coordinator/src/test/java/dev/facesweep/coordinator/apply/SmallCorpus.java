package dev.facesweep.coordinator.apply;

import dev.facesweep.coordinator.plan.PlanImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A fixed small corpus that makes every kind of operation once: a pruned face set (2 of 8 images flagged,
 * with a .fsz and a manifest), a masked one, a kept one, and a master manifest.
 */
final class SmallCorpus {

    static final Map<String, Double> CLEAN = Map.of("mask", 0.1, "sunglasses", 0.2);
    static final Map<String, Double> MASKED = Map.of("mask", 0.95, "sunglasses", 0.1);

    private SmallCorpus() {
    }

    /** Writes the corpus under {@code root} and returns its images with scores. */
    static List<PlanImage> write(Path root) throws IOException {
        List<PlanImage> images = new ArrayList<>();
        List<String> pruneNames = List.of("0001.png", "a b.png", "ü.png", "0004.png", "0005.png", "0006.png",
                "0007.png", "0008.png");
        Path prune = root.resolve("fs prune/faces");
        Files.createDirectories(prune);
        for (int i = 0; i < pruneNames.size(); i++) {
            String name = pruneNames.get(i);
            Files.writeString(prune.resolve(name), "png bytes of " + name + " ".repeat(i * 37));
            images.add(PlanImage.scored("fs prune", "fs prune/faces/" + name, i == 1 || i == 2 ? MASKED : CLEAN));
        }
        try (OutputStream os = Files.newOutputStream(root.resolve("fs prune/fs prune.fsz"));
                ZipOutputStream zip = new ZipOutputStream(os)) {
            List<String> reversed = new ArrayList<>(pruneNames);
            java.util.Collections.reverse(reversed);
            for (String name : reversed) {
                ZipEntry entry = new ZipEntry(name);
                entry.setTime(1_700_000_000_000L); // fixed, so every copy of the corpus is byte-identical
                zip.putNextEntry(entry);
                zip.write(Files.readAllBytes(prune.resolve(name)));
                zip.closeEntry();
            }
        }
        StringBuilder faces = new StringBuilder();
        for (String name : pruneNames) {
            faces.append(faces.length() == 0 ? "" : ",\n").append("    {\n      \"file\": \"faces/").append(name)
                    .append("\",\n      \"yaw\": 3\n    }");
        }
        Files.writeString(root.resolve("fs prune/manifest.json"), "{\n  \"name\": \"fs prune\",\n  \"faces\": [\n"
                + faces + "\n  ],\n  \"extra\": {\n    \"k\": true\n  }\n}\n");
        Path mask = root.resolve("fs mask/faces");
        Files.createDirectories(mask);
        for (int i = 0; i < 3; i++) {
            Files.writeString(mask.resolve(i + ".png"), "masked " + i);
            images.add(PlanImage.scored("fs mask", "fs mask/faces/" + i + ".png", MASKED));
        }
        Files.writeString(root.resolve("fs mask/manifest.json"), "{\"faces\": [\"0.png\", \"1.png\", \"2.png\"]}");
        Path keep = root.resolve("fs keep/faces");
        Files.createDirectories(keep);
        for (int i = 0; i < 3; i++) {
            Files.writeString(keep.resolve(i + ".png"), "kept " + i);
            images.add(PlanImage.scored("fs keep", "fs keep/faces/" + i + ".png", CLEAN));
        }
        Files.write(root.resolve("manifest.json"), ("{\n    \"masked\": [\n        {\n            \"name\": \"old\"\n"
                + "        }\n    ],\n    \"notes\": \"caf\\u00e9\"\n}").getBytes(StandardCharsets.UTF_8));
        return images;
    }
}
