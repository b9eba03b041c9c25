package dev.facesweep.coordinator.review;

import dev.facesweep.coordinator.plan.FacesetPlan;
import dev.facesweep.coordinator.plan.Force;
import dev.facesweep.coordinator.plan.Overrides;
import dev.facesweep.coordinator.plan.Plan;
import dev.facesweep.coordinator.plan.PlanBuilder;
import dev.facesweep.coordinator.plan.PlanFormatException;
import dev.facesweep.coordinator.plan.PlanImage;
import dev.facesweep.coordinator.plan.PlanInputs;
import dev.facesweep.coordinator.plan.PlanJson;
import dev.facesweep.coordinator.plan.Thresholds;
import dev.facesweep.coordinator.store.ScanCounts;
import dev.facesweep.coordinator.store.ScanInfo;
import dev.facesweep.coordinator.store.ScanState;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.corpus.CorpusPath;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The review of the scans in one state folder: contact sheets, plan previews, the reviewer's overrides, thumbnails
 * and plans made from the page. Framework-free; {@code facesweep serve} exposes it over HTTP.
 *
 * <p>State folder layout (beside the store):
 * <pre>
 * reviews/&lt;scan id&gt;/overrides.json   the reviewer's overrides (the format of plan --overrides)
 * plans/&lt;plan id&gt;.json              plans created from the page
 * thumbs/&lt;size&gt;/&lt;ab&gt;/&lt;sha256&gt;.jpg   thumbnails, by content
 * </pre>
 *
 * <p>Things to note: the images of a finished scan are read from the store once and kept in memory (a running scan
 * is read again on every request, as its scores are still arriving).
 *
 * <p>Thread-safe.
 */
public final class ReviewWorkspace {

    /** Scan and plan ids as the store and the planner make them: no path separators, no dots in front. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final DateTimeFormatter PLAN_ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final ScanStore store;
    private final Path stateDir;
    private final Thumbnails thumbnails;
    private final Clock clock;
    private final Map<String, List<PlanImage>> finishedScans = new ConcurrentHashMap<>();
    private final Object overridesLock = new Object();

    public ReviewWorkspace(ScanStore store, Path stateDir, Thumbnails thumbnails, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.stateDir = stateDir.toAbsolutePath().normalize();
        this.thumbnails = Objects.requireNonNull(thumbnails, "thumbnails");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Path stateDir() {
        return stateDir;
    }

    /** A scan with its counts, for the scan list. */
    public record ScanSummary(String id, String root, String modelId, String promptHash, String state,
            Instant createdAt, Instant finishedAt, long images, long scored, long reused, long failed,
            long remaining) {
    }

    /** Every scan of the store, newest first. */
    public List<ScanSummary> scans() {
        List<ScanSummary> summaries = new ArrayList<>();
        for (ScanInfo scan : store.scans()) {
            ScanCounts c = store.counts(scan.id());
            summaries.add(new ScanSummary(scan.id(), scan.root(), scan.modelId(), scan.promptHash(),
                    scan.state().name().toLowerCase(Locale.ROOT), scan.createdAt(), scan.finishedAt(), c.total(),
                    c.scored(), c.reused(), c.failed(), c.remaining()));
        }
        return summaries;
    }

    /** The contact sheet of a scan: the plan preview under these thresholds and the stored overrides. */
    public ContactSheet sheet(String scanId, Thresholds thresholds) {
        ScanInfo scan = scan(scanId);
        return SheetBuilder.preview(header(scan), images(scan), thresholds, overrides(scanId));
    }

    /** The plan preview of a scan under these thresholds and the stored overrides. */
    public PlanPreview preview(String scanId, Thresholds thresholds) {
        return PlanPreview.of(sheet(scanId, thresholds));
    }

    /** The contact sheet of a saved plan, with the images of its scan. */
    public ContactSheet sheet(Plan plan) {
        ScanInfo scan = scan(plan.scanId());
        return SheetBuilder.ofPlan(header(scan), plan, images(scan));
    }

    // ---------------------------------------------------------------- overrides

    /** The reviewer's overrides of a scan (none yet: empty). */
    public Overrides overrides(String scanId) {
        scan(scanId);
        Path file = overridesFile(scanId);
        if (!Files.exists(file)) {
            return Overrides.none();
        }
        try {
            return PlanJson.readOverrides(file);
        } catch (PlanFormatException e) {
            throw new ReviewException(ReviewException.Kind.CONFLICT, e.getMessage() + " (fix or delete " + file
                    + ")", e);
        }
    }

    /** The file the overrides of a scan are kept in; it can be passed to {@code facesweep plan --overrides}. */
    public Path overridesFile(String scanId) {
        return stateDir.resolve("reviews").resolve(checkId(scanId, "scan")).resolve("overrides.json");
    }

    /** Forces an image of the scan to keep or drop; {@code force} null removes its override. */
    public Overrides setImageOverride(String scanId, String relativePath, Force force) {
        ScanInfo scan = scan(scanId);
        boolean known = images(scan).stream().anyMatch(i -> i.relativePath().equals(relativePath));
        if (!known) {
            throw new ReviewException(ReviewException.Kind.NOT_FOUND, "scan " + scanId + " has no image '"
                    + relativePath + "' (paths are relative to the corpus root, e.g. faceset_001/faces/0001.png)");
        }
        synchronized (overridesLock) {
            Overrides current = overrides(scanId);
            Map<String, Force> images = new HashMap<>(current.images());
            if (force == null) {
                images.remove(relativePath);
            } else {
                images.put(relativePath, force);
            }
            return save(scanId, new Overrides(images, current.facesets()));
        }
    }

    /** Forces a face set to keep; {@code force} null removes its override. Only keep can be forced. */
    public Overrides setFacesetOverride(String scanId, String faceset, Force force) {
        ScanInfo scan = scan(scanId);
        if (force == Force.DROP) {
            throw new ReviewException(ReviewException.Kind.BAD_REQUEST, "face set " + faceset + ": only keep can be"
                    + " forced on a face set (force drop on its images instead)");
        }
        boolean known = images(scan).stream().anyMatch(i -> i.faceset().equals(faceset));
        if (!known) {
            throw new ReviewException(ReviewException.Kind.NOT_FOUND, "scan " + scanId + " has no face set '"
                    + faceset + "'");
        }
        synchronized (overridesLock) {
            Overrides current = overrides(scanId);
            Map<String, Force> facesets = new HashMap<>(current.facesets());
            if (force == null) {
                facesets.remove(faceset);
            } else {
                facesets.put(faceset, force);
            }
            return save(scanId, new Overrides(current.images(), facesets));
        }
    }

    /** Replaces every override of the scan (e.g. to clear them all). */
    public Overrides replaceOverrides(String scanId, Overrides overrides) {
        scan(scanId);
        synchronized (overridesLock) {
            return save(scanId, overrides);
        }
    }

    private Overrides save(String scanId, Overrides overrides) {
        Path file = overridesFile(scanId);
        try {
            writeAtomically(file, JSON.writeValueAsString(PlanJson.overrides(overrides)) + "\n");
        } catch (IOException e) {
            throw new ReviewException(ReviewException.Kind.CONFLICT, "cannot save the overrides to " + file + ": "
                    + e.getMessage() + " (check that the state folder is writable)", e);
        }
        return overrides;
    }

    // ---------------------------------------------------------------- plans

    /**
     * A plan written from the page.
     *
     * @param problems inputs that could not be recorded (e.g. an image to drop is gone); apply leaves them alone
     */
    public record CreatedPlan(String id, String scanId, Path path, Map<String, Integer> counts,
            List<String> problems) {
    }

    /**
     * Builds the plan of a scan from these thresholds and the stored overrides, records the size and sha256 of
     * every file it touches ({@link PlanInputs}, apply's safety check), and writes it to {@code plans/<id>.json} in
     * the state folder.
     */
    public CreatedPlan createPlan(String scanId, Thresholds thresholds) {
        ScanInfo scan = scan(scanId);
        Overrides overrides = overrides(scanId);
        List<FacesetPlan> facesets = PlanBuilder.build(images(scan), thresholds, overrides);
        Instant now = clock.instant();
        String id = PLAN_ID_TIME.format(now) + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
        Path root = Path.of(scan.root()).toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new ReviewException(ReviewException.Kind.CONFLICT, "corpus root " + root + " of scan " + scan.id()
                    + " is not a folder any more: no plan written");
        }
        PlanInputs inputs = PlanInputs.collect(root, facesets);
        Plan plan = new Plan(id, scan.id(), root.toString(), now, scan.modelId(), scan.promptHash(), thresholds,
                overrides, facesets, inputs.inputs());
        Path file = planFile(id);
        try {
            PlanJson.write(plan, file);
        } catch (IOException e) {
            throw new ReviewException(ReviewException.Kind.CONFLICT, "cannot write " + file + ": " + e.getMessage()
                    + " (check that the state folder is writable)", e);
        }
        Map<String, Integer> counts = new HashMap<>();
        facesets.forEach(f -> counts.merge(f.action().json(), 1, Integer::sum));
        return new CreatedPlan(id, scan.id(), file, counts, List.copyOf(inputs.problems()));
    }

    /** Where a plan made from the page is kept. */
    public Path planFile(String planId) {
        return stateDir.resolve("plans").resolve(checkId(planId, "plan") + ".json");
    }

    /** A plan made from the page, read back. */
    public Plan plan(String planId) {
        Path file = planFile(planId);
        if (!Files.isRegularFile(file)) {
            throw new ReviewException(ReviewException.Kind.NOT_FOUND, "no plan " + planId + " in " + stateDir
                    .resolve("plans") + ": create it first");
        }
        try {
            return PlanJson.read(file);
        } catch (PlanFormatException e) {
            throw new ReviewException(ReviewException.Kind.CONFLICT, e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- thumbnails

    /** The thumbnail of an image of the scan, made and cached on first use. */
    public Path thumbnail(String scanId, String sha256) {
        ScanInfo scan = scan(scanId);
        PlanImage image = images(scan).stream()
                .filter(i -> i.sha256() != null && i.sha256().equalsIgnoreCase(sha256))
                .findFirst()
                .orElseThrow(() -> new ReviewException(ReviewException.Kind.NOT_FOUND, "scan " + scanId
                        + " has no image with sha256 " + sha256));
        try {
            return thumbnail(scan.root(), image.relativePath(), image.sha256());
        } catch (ThumbnailException e) {
            throw new ReviewException(ReviewException.Kind.CONFLICT, e.getMessage(), e);
        }
    }

    /** The cached thumbnail of {@code root/relativePath}, whose content must hash to {@code sha256}. */
    Path thumbnail(String root, String relativePath, String sha256) throws ThumbnailException {
        Path original = corpusFile(Path.of(root), relativePath);
        return thumbnails.cached(thumbnailDir(), sha256, original);
    }

    /**
     * The corpus file a stored relative path names; a path or link leading out of the root is a bad request (the
     * store or the request was tampered with), never served.
     */
    static Path corpusFile(Path root, String relativePath) {
        try {
            return CorpusPath.resolveInside(root, relativePath);
        } catch (IllegalArgumentException e) {
            throw new ReviewException(ReviewException.Kind.BAD_REQUEST, e.getMessage() + ": refused");
        } catch (IOException e) {
            throw new ReviewException(ReviewException.Kind.CONFLICT, "cannot resolve " + relativePath + " in "
                    + root + ": " + e.getMessage(), e);
        }
    }

    public int thumbnailSize() {
        return thumbnails.size();
    }

    /** Where thumbnails of this size are cached. */
    public Path thumbnailDir() {
        return stateDir.resolve("thumbs").resolve(Integer.toString(thumbnails.size()));
    }

    // ---------------------------------------------------------------- scans

    private ScanInfo scan(String scanId) {
        checkId(scanId, "scan");
        return store.scan(scanId).orElseThrow(() -> new ReviewException(ReviewException.Kind.NOT_FOUND,
                "no scan '" + scanId + "' in " + stateDir + ": list the scans to pick an existing id"));
    }

    /** The images of a scan, as the plan rules see them. */
    public List<PlanImage> images(String scanId) {
        return images(scan(scanId));
    }

    private List<PlanImage> images(ScanInfo scan) {
        List<PlanImage> cached = finishedScans.get(scan.id());
        if (cached != null) {
            return cached;
        }
        List<PlanImage> images = new ArrayList<>();
        store.forEachImage(scan.id(), record -> images.add(PlanImage.from(record)));
        List<PlanImage> loaded = List.copyOf(images);
        if (scan.state() == ScanState.FINISHED) {
            finishedScans.put(scan.id(), loaded);
        }
        return loaded;
    }

    static ContactSheet.ScanHeader header(ScanInfo scan) {
        return new ContactSheet.ScanHeader(scan.id(), scan.root(), scan.modelId(), scan.promptHash(),
                scan.state().name().toLowerCase(Locale.ROOT));
    }

    private static String checkId(String id, String what) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new ReviewException(ReviewException.Kind.BAD_REQUEST, "'" + id + "' is not a " + what + " id");
        }
        return id;
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(temp, text);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
