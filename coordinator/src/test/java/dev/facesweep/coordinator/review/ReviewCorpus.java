package dev.facesweep.coordinator.review;

import dev.facesweep.coordinator.store.ClaimedBatch;
import dev.facesweep.coordinator.store.ScanInfo;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.coordinator.store.StagedImage;
import dev.facesweep.corpus.ContentHash;
import dev.facesweep.protocol.ImageResult;
import dev.facesweep.protocol.ResultMessage;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A small corpus on disk plus a scan of it in a SQLite store, with made-up scores recorded through the store's own
 * API (createScan, stage, claimBatch, recordResults), so no model has to run.
 *
 * <p>The default corpus and what the brief's rules (p >= 0.7 flags; fraction >= 0.40 masked; fewer than 5
 * survivors thin; near band 0.05) make of it, worked out by hand:
 * <pre>
 * faceset_keep      k1 .10/.05  k2 .20/.10  k3 .05/.66 (near)            -> keep (3 images, nothing flagged)
 * faceset_prune     p1 .91 mask (flagged)  p2 .68 mask (near)  p3-p6 ok  -> prune p1, driver mask, 1/6
 * faceset_masked    m1 .95 mask  m2 .88 sunglasses  m3 m4 ok            -> quarantine_masked, 2/4, driver mask (tie)
 * faceset_thin      t1 .80 sunglasses  t2-t5 ok                          -> quarantine_thin, 1/5, driver sunglasses
 * HOSTILE           a"&amp;&lt;&gt;'.png ok, broken.png unreadable        -> keep
 * </pre>
 * where HOSTILE is the face-set name {@value #HOSTILE_FACESET} and scores are mask/sunglasses.
 */
public final class ReviewCorpus {

    public static final String HOSTILE_FACESET = "<img src=x onerror=alert(1)>";
    public static final String HOSTILE_FILE = "a\"&<>'.png";
    public static final String UNREADABLE_ERROR = "not a PNG or JPEG image (5 bytes starting with 68 65 6c 6c 6f)";
    public static final String MODEL = "clip-test";
    public static final String PROMPT_HASH = "prompts-test";

    /** One image: scores (mask, sunglasses), or unreadable. */
    public record Spec(String faceset, String file, double mask, double sunglasses, boolean unreadable) {

        public String path() {
            return faceset + "/faces/" + file;
        }
    }

    /** The corpus on disk, its state folder and the scan. */
    public record Made(Path root, Path state, String scanId, List<Spec> specs) {
    }

    /** The statuses the rules give the default corpus, by path (worked out by hand, see the class comment). */
    public static Map<String, String> expectedStates() {
        Map<String, String> states = new java.util.TreeMap<>();
        for (Spec spec : defaultSpecs()) {
            states.put(spec.path(), "ok");
        }
        for (String flagged : List.of("faceset_prune/faces/p1.png", "faceset_masked/faces/m1.png",
                "faceset_masked/faces/m2.png", "faceset_thin/faces/t1.png")) {
            states.put(flagged, "flagged");
        }
        states.put("faceset_prune/faces/p2.png", "near");
        states.put("faceset_keep/faces/k3.png", "near");
        states.put(HOSTILE_FACESET + "/faces/broken.png", "unreadable");
        return states;
    }

    /** The actions the rules give the default corpus, by face set. */
    public static Map<String, String> expectedActions() {
        return new java.util.TreeMap<>(Map.of("faceset_keep", "keep", "faceset_prune", "prune", "faceset_masked",
                "quarantine_masked", "faceset_thin", "quarantine_thin", HOSTILE_FACESET, "keep"));
    }

    private ReviewCorpus() {
    }

    public static List<Spec> defaultSpecs() {
        List<Spec> s = new ArrayList<>();
        s.add(ok("faceset_keep", "k1.png", 0.10, 0.05));
        s.add(ok("faceset_keep", "k2.png", 0.20, 0.10));
        s.add(ok("faceset_keep", "k3.png", 0.05, 0.66));
        s.add(ok("faceset_prune", "p1.png", 0.91, 0.02));
        s.add(ok("faceset_prune", "p2.png", 0.68, 0.03));
        for (int i = 3; i <= 6; i++) {
            s.add(ok("faceset_prune", "p" + i + ".png", 0.10 + i / 100.0, 0.05));
        }
        s.add(ok("faceset_masked", "m1.png", 0.95, 0.10));
        s.add(ok("faceset_masked", "m2.png", 0.20, 0.88));
        s.add(ok("faceset_masked", "m3.png", 0.15, 0.10));
        s.add(ok("faceset_masked", "m4.png", 0.12, 0.11));
        s.add(ok("faceset_thin", "t1.png", 0.10, 0.80));
        for (int i = 2; i <= 5; i++) {
            s.add(ok("faceset_thin", "t" + i + ".png", 0.10, 0.10 + i / 100.0));
        }
        s.add(ok(HOSTILE_FACESET, HOSTILE_FILE, 0.30, 0.20));
        s.add(new Spec(HOSTILE_FACESET, "broken.png", 0, 0, true));
        return s;
    }

    private static Spec ok(String faceset, String file, double mask, double sunglasses) {
        return new Spec(faceset, file, mask, sunglasses, false);
    }

    /** Writes the default corpus under {@code dir/corpus}, and its scan into {@code dir/state}. */
    public static Made make(Path dir) throws IOException {
        return make(dir, defaultSpecs());
    }

    public static Made make(Path dir, List<Spec> specs) throws IOException {
        Path root = dir.resolve("corpus").toAbsolutePath();
        Path state = dir.resolve("state").toAbsolutePath();
        List<StagedImage> staged = new ArrayList<>();
        Map<String, Spec> bySha = new LinkedHashMap<>();
        int index = 0;
        for (Spec spec : specs) {
            Path file = root.resolve(spec.faceset()).resolve("faces").resolve(spec.file());
            Files.createDirectories(file.getParent());
            byte[] bytes = spec.unreadable() ? "hello".getBytes(StandardCharsets.US_ASCII) : png(index++);
            Files.write(file, bytes);
            String sha = ContentHash.sha256(bytes);
            bySha.put(sha, spec);
            staged.add(StagedImage.hashed(spec.path(), spec.faceset(), sha, bytes.length, 0L));
        }
        String scanId;
        try (ScanStore store = ScanStore.sqlite(state, Clock.systemUTC())) {
            ScanInfo scan = store.createScan(root.toString(), MODEL, PROMPT_HASH, "{}");
            scanId = scan.id();
            store.stage(scanId, staged.iterator());
            ClaimedBatch batch = store.claimBatch(scanId, 1000).orElseThrow();
            store.markPublished(batch.batchId());
            List<ImageResult> results = new ArrayList<>();
            for (ClaimedBatch.Image image : batch.images()) {
                Spec spec = bySha.get(image.sha256());
                if (spec.unreadable()) {
                    results.add(ImageResult.failed(image.sha256(), UNREADABLE_ERROR));
                } else {
                    Map<String, Double> scores = new LinkedHashMap<>();
                    scores.put("mask", spec.mask());
                    scores.put("sunglasses", spec.sunglasses());
                    results.add(ImageResult.scored(image.sha256(), new float[] {1f, 0f, 0f, 0f}, scores));
                }
            }
            store.recordResults(new ResultMessage(scanId, batch.batchId(), "test-worker", MODEL, PROMPT_HASH,
                    results, new ResultMessage.Timings(0, 0, 0)));
            store.finishScan(scanId);
        }
        return new Made(root, state, scanId, List.copyOf(specs));
    }

    /** A distinct 256x256 PNG per index: a coloured background with a disc whose place depends on the index. */
    static byte[] png(int index) throws IOException {
        BufferedImage image = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.getHSBColor((index * 0.13f) % 1f, 0.45f, 0.85f));
            g.fillRect(0, 0, 256, 256);
            g.setColor(new Color(40, 40, 40));
            g.fillOval(48 + (index % 4) * 30, 48 + (index / 4 % 4) * 30, 80, 80);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
