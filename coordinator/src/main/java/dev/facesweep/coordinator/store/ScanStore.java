package dev.facesweep.coordinator.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.facesweep.protocol.EmbeddingBytes;
import dev.facesweep.protocol.ImageResult;
import dev.facesweep.protocol.ResultMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The coordinator's record of scans, images, batches, results and embeddings, on SQLite or PostgreSQL through
 * plain JDBC (no framework: the CLI and the Spring service use it alike).
 *
 * <p>How it works:
 * <ul>
 *   <li>{@link #createScan} then {@link #stage} the corpus (streamed in chunks of {@value #STAGE_CHUNK} rows,
 *       one transaction each; staging the same path twice is a no-op, so staging can resume).</li>
 *   <li>{@link #reuseKnownResults} marks every staged image whose (sha256, model, prompt hash) already has a
 *       result as reused; {@link #forEachRescorable} + {@link #recordRescored} score images that have a stored
 *       embedding but no result for this prompt set, without the image model.</li>
 *   <li>{@link #claimBatch} takes the next staged images (in staging order, one entry per distinct content) into
 *       a pending batch; {@link #markPublished} after publishing; {@link #redispatch} to send an outstanding
 *       batch again; {@link #releaseBatch} when publishing failed; {@link #parkBatch} to give up.</li>
 *   <li>{@link #recordResults} is idempotent: results and embeddings are insert-if-absent, and an image moves to
 *       scored only from staged, dispatched or failed, so a duplicate delivery or a late answer to a re-dispatched
 *       batch changes nothing and is counted as a duplicate.</li>
 * </ul>
 *
 * <p>Things to note: one coordinator process owns a scan (claims are serialised inside this process; several
 * processes claiming for the same scan are not supported). Counts are computed with {@code GROUP BY} over the
 * scan's rows: cheap enough once a second for a million images, not per image. All times come from the injected
 * {@link Clock}.
 *
 * <p>Thread-safe.
 */
public final class ScanStore implements AutoCloseable {

    /** Rows per staging transaction. */
    public static final int STAGE_CHUNK = 1000;

    /** The SQLite file inside the state folder. */
    public static final String SQLITE_FILE = "facesweep.db";

    private static final int FETCH_SIZE = 500;
    private static final DateTimeFormatter SCAN_ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final TypeReference<LinkedHashMap<String, Double>> SCORES = new TypeReference<>() {
    };

    private final DataSource dataSource;
    private final AutoCloseable ownedPool;
    private final Clock clock;
    private final Dialect dialect;
    private final JsonMapper json = JsonMapper.builder().build();
    private final ReentrantLock claimLock = new ReentrantLock();

    private ScanStore(DataSource dataSource, AutoCloseable ownedPool, Clock clock) {
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
        this.clock = clock;
        this.dialect = detectDialect(dataSource);
        migrate(dataSource);
    }

    // ---------------------------------------------------------------- opening

    /**
     * Uses a data source the caller owns (e.g. Spring's pool); migrates the schema. {@link #close()} leaves the
     * data source open.
     */
    public static ScanStore open(DataSource dataSource, Clock clock) {
        return new ScanStore(Objects.requireNonNull(dataSource, "dataSource"), null, clock);
    }

    /**
     * Opens (creating if needed) the SQLite store {@code <stateDir>/facesweep.db} in WAL mode with a busy timeout.
     */
    public static ScanStore sqlite(Path stateDir, Clock clock) {
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new StoreException("cannot create the state folder " + stateDir + ": " + e.getMessage(), e);
        }
        return sqliteFile(stateDir.resolve(SQLITE_FILE), clock);
    }

    /** Opens a SQLite store at an exact file path (its folder must exist). */
    public static ScanStore sqliteFile(Path dbFile, Clock clock) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(30_000);
        config.enforceForeignKeys(true);
        // Write transactions take the write lock up front: no read-to-write upgrade can fail with SQLITE_BUSY.
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource sqlite = new SQLiteDataSource(config);
        sqlite.setUrl("jdbc:sqlite:" + dbFile.toAbsolutePath());
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(sqlite);
        pool.setPoolName("facesweep-sqlite");
        pool.setMaximumPoolSize(4);
        return pooled(pool, "SQLite database " + dbFile, clock);
    }

    /**
     * Opens a store from a JDBC URL: {@code jdbc:postgresql://host:5432/db} (add {@code ?currentSchema=name} to use
     * a schema other than {@code public}) or {@code jdbc:sqlite:/path/facesweep.db}.
     *
     * @param user null when the URL or the server needs none
     * @param password null when none; take it from configuration or the environment, never from code
     */
    public static ScanStore jdbc(String url, String user, String password, Clock clock) {
        if (url.startsWith("jdbc:sqlite:")) {
            return sqliteFile(Path.of(url.substring("jdbc:sqlite:".length())), clock);
        }
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(url);
        pool.setUsername(user);
        pool.setPassword(password);
        pool.setPoolName("facesweep-store");
        pool.setMaximumPoolSize(8);
        return pooled(pool, url, clock);
    }

    private static ScanStore pooled(HikariConfig pool, String where, Clock clock) {
        pool.setInitializationFailTimeout(-1);
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(pool);
        } catch (RuntimeException e) {
            throw new StoreException("cannot open the store at " + where + ": " + oneLine(e), e);
        }
        try {
            return new ScanStore(dataSource, dataSource, clock);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (ownedPool != null) {
            try {
                ownedPool.close();
            } catch (Exception e) {
                throw new StoreException("closing the store failed: " + oneLine(e), e);
            }
        }
    }

    private static Dialect detectDialect(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName();
            return Dialect.of(product);
        } catch (SQLException e) {
            throw new StoreException("cannot connect to the store: " + oneLine(e), e);
        }
    }

    private static void migrate(DataSource dataSource) {
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new StoreException("migrating the store schema failed: " + oneLine(e), e);
        }
    }

    // ---------------------------------------------------------------- scans

    /** Starts a scan in state RUNNING. */
    public ScanInfo createScan(String root, String modelId, String promptHash, String promptSetJson) {
        Instant now = clock.instant();
        String id = SCAN_ID_TIME.format(now) + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
        ScanInfo scan = new ScanInfo(id, root, modelId, promptHash, promptSetJson, ScanState.RUNNING,
                truncate(now), null);
        inTransaction("creating a scan", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO scan (id, root, model_id, prompt_hash,"
                    + " prompt_set, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, root);
                ps.setString(3, modelId);
                ps.setString(4, promptHash);
                ps.setString(5, promptSetJson);
                ps.setString(6, ScanState.RUNNING.db());
                ps.setLong(7, now.toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
        return scan;
    }

    public Optional<ScanInfo> scan(String scanId) {
        return read("reading scan " + scanId, c -> scan(c, scanId));
    }

    /** The most recently created scan of any root. */
    public Optional<ScanInfo> latestScan() {
        return read("finding the latest scan", c -> firstScan(c, "SELECT * FROM scan ORDER BY created_at DESC, id"
                + " DESC LIMIT 1"));
    }

    /** The most recently created scan of this root. */
    public Optional<ScanInfo> latestScan(String root) {
        return read("finding the latest scan of " + root, c -> firstScan(c, "SELECT * FROM scan WHERE root = ?"
                + " ORDER BY created_at DESC, id DESC LIMIT 1", root));
    }

    /** All scans, newest first. */
    public List<ScanInfo> scans() {
        return read("listing scans", c -> {
            List<ScanInfo> scans = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM scan ORDER BY created_at DESC, id DESC");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    scans.add(scanRow(rs));
                }
            }
            return scans;
        });
    }

    public void finishScan(String scanId) {
        inTransaction("finishing scan " + scanId, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE scan SET state = ?, finished_at = ? WHERE id = ?")) {
                ps.setString(1, ScanState.FINISHED.db());
                ps.setLong(2, clock.millis());
                ps.setString(3, scanId);
                requireOne(ps.executeUpdate(), "scan " + scanId);
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- staging

    /** Stages images as they come from the iterator; see {@link #stage(String, Iterator, LongConsumer)}. */
    public StageSummary stage(String scanId, Iterator<StagedImage> images) {
        return stage(scanId, images, done -> { });
    }

    /**
     * Stages images in chunks of {@value #STAGE_CHUNK}, one transaction per chunk; at most one chunk is held in
     * memory. A path the scan already has is left as it is (so an interrupted staging can simply run again).
     *
     * @param progress called after each committed chunk with the number of images taken from the iterator so far
     */
    public StageSummary stage(String scanId, Iterator<StagedImage> images, LongConsumer progress) {
        requireScan(scanId);
        long[] totals = new long[3];
        long seq = read("staging into " + scanId, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COALESCE(MAX(seq), 0) FROM scan_image WHERE scan_id = ?")) {
                ps.setString(1, scanId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        long taken = 0;
        List<StagedImage> chunk = new ArrayList<>(STAGE_CHUNK);
        while (images.hasNext()) {
            chunk.add(images.next());
            taken++;
            if (chunk.size() == STAGE_CHUNK || !images.hasNext()) {
                long firstSeq = seq + 1;
                seq += chunk.size();
                insertChunk(scanId, chunk, firstSeq, totals);
                chunk.clear();
                progress.accept(taken);
            }
        }
        return new StageSummary(totals[0], totals[1], totals[2]);
    }

    private void insertChunk(String scanId, List<StagedImage> chunk, long firstSeq, long[] totals) {
        inTransaction("staging images into " + scanId, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO scan_image (scan_id, rel_path, seq, faceset,"
                    + " sha256, size, modified_at, state, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT DO NOTHING")) {
                long seq = firstSeq;
                for (StagedImage image : chunk) {
                    ps.setString(1, scanId);
                    ps.setString(2, image.relativePath());
                    ps.setLong(3, seq++);
                    ps.setString(4, image.faceset());
                    ps.setString(5, image.sha256());
                    ps.setLong(6, image.size());
                    ps.setLong(7, image.modifiedMillis());
                    ps.setString(8, (image.error() == null ? ImageState.STAGED : ImageState.FAILED).db());
                    ps.setString(9, image.error());
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] == 0) {
                        totals[2]++;
                    } else if (chunk.get(i).error() == null) {
                        totals[0]++;
                    } else {
                        totals[1]++;
                    }
                }
            }
            return null;
        });
    }

    /**
     * The sha256 an earlier scan recorded for this path, if the file's size and modification time are unchanged;
     * lets a re-scan skip re-reading unchanged files. Never matches an unknown ({@code 0}) modification time.
     */
    public Optional<String> knownSha256(String earlierScanId, String relativePath, long size, long modifiedMillis) {
        if (modifiedMillis == 0) {
            return Optional.empty();
        }
        return read("looking up a known hash", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT sha256 FROM scan_image WHERE scan_id = ?"
                    + " AND rel_path = ? AND size = ? AND modified_at = ? AND sha256 IS NOT NULL")) {
                ps.setString(1, earlierScanId);
                ps.setString(2, relativePath);
                ps.setLong(3, size);
                ps.setLong(4, modifiedMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    // ---------------------------------------------------------------- reuse and rescoring

    /**
     * Marks every staged image of the scan whose (sha256, model, prompt hash) already has a result as reused.
     *
     * @return images marked
     */
    public int reuseKnownResults(String scanId) {
        ScanInfo scan = requireScan(scanId);
        return inTransaction("reusing stored results for " + scanId, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE scan_image SET state = ? WHERE scan_id = ?"
                    + " AND state = ? AND EXISTS (SELECT 1 FROM result r WHERE r.sha256 = scan_image.sha256"
                    + " AND r.model_id = ? AND r.prompt_hash = ?)")) {
                ps.setString(1, ImageState.REUSED.db());
                ps.setString(2, scanId);
                ps.setString(3, ImageState.STAGED.db());
                ps.setString(4, scan.modelId());
                ps.setString(5, scan.promptHash());
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Streams, once per distinct content, the stored embeddings of the scan's staged images that have no result
     * for the scan's prompt set: score them with {@link #recordRescored} instead of dispatching them.
     */
    public void forEachRescorable(String scanId, Consumer<StoredEmbedding> consumer) {
        ScanInfo scan = requireScan(scanId);
        stream("reading embeddings to rescore for " + scanId, "SELECT e.sha256, e.vector FROM embedding e"
                + " WHERE e.model_id = ? AND e.sha256 IN (SELECT si.sha256 FROM scan_image si WHERE si.scan_id = ?"
                + " AND si.state = ?) AND NOT EXISTS (SELECT 1 FROM result r WHERE r.sha256 = e.sha256"
                + " AND r.model_id = e.model_id AND r.prompt_hash = ?) ORDER BY e.sha256",
                ps -> {
                    ps.setString(1, scan.modelId());
                    ps.setString(2, scanId);
                    ps.setString(3, ImageState.STAGED.db());
                    ps.setString(4, scan.promptHash());
                },
                rs -> consumer.accept(new StoredEmbedding(rs.getString(1), EmbeddingBytes.fromBytes(rs.getBytes(2)))));
    }

    /**
     * Streams the stored embedding of every distinct image content of the scan (for the scan's model), e.g. to
     * rescore a finished scan with new prompts.
     */
    public void forEachEmbedding(String scanId, Consumer<StoredEmbedding> consumer) {
        ScanInfo scan = requireScan(scanId);
        stream("reading embeddings of " + scanId, "SELECT e.sha256, e.vector FROM embedding e WHERE e.model_id = ?"
                + " AND e.sha256 IN (SELECT si.sha256 FROM scan_image si WHERE si.scan_id = ?) ORDER BY e.sha256",
                ps -> {
                    ps.setString(1, scan.modelId());
                    ps.setString(2, scanId);
                },
                rs -> consumer.accept(new StoredEmbedding(rs.getString(1), EmbeddingBytes.fromBytes(rs.getBytes(2)))));
    }

    /**
     * Stores scores computed from stored embeddings for the scan's prompt set and marks the staged images with
     * that content as reused. Idempotent.
     *
     * @return images marked reused
     */
    public int recordRescored(String scanId, List<Rescored> rescored) {
        ScanInfo scan = requireScan(scanId);
        long now = clock.millis();
        return inTransaction("recording rescored images for " + scanId, c -> {
            int marked = 0;
            for (Rescored r : rescored) {
                insertResult(c, r.sha256(), scan, r.scores(), null, now);
                marked += updateImages(c, scanId, r.sha256(), ImageState.REUSED, null, null, null,
                        ImageState.STAGED);
            }
            return marked;
        });
    }

    // ---------------------------------------------------------------- batches

    /**
     * Takes up to {@code maxImages} staged images, in staging order, into a new pending batch. Images whose result
     * is already stored (e.g. scored by another batch meanwhile) are marked reused instead. Every staged path with
     * a claimed content moves to dispatched with the batch, so one content is scored once per scan.
     *
     * @return empty when nothing is staged
     */
    public Optional<ClaimedBatch> claimBatch(String scanId, int maxImages) {
        if (maxImages < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + maxImages);
        }
        ScanInfo scan = requireScan(scanId);
        String batchId = newBatchId();
        claimLock.lock();
        try {
            return inTransaction("claiming a batch in " + scanId, c -> {
                Map<String, String> claimed = new LinkedHashMap<>();
                while (claimed.size() < maxImages) {
                    Map<String, String> candidates = stagedCandidates(c, scanId, maxImages - claimed.size());
                    if (candidates.isEmpty()) {
                        break;
                    }
                    Set<String> known = knownResults(c, scan, candidates.keySet());
                    for (Map.Entry<String, String> candidate : candidates.entrySet()) {
                        String sha = candidate.getKey();
                        if (known.contains(sha)) {
                            updateImages(c, scanId, sha, ImageState.REUSED, null, null, null, ImageState.STAGED);
                        } else if (updateImages(c, scanId, sha, ImageState.DISPATCHED, null, batchId, null,
                                ImageState.STAGED) > 0) {
                            claimed.put(sha, candidate.getValue());
                        }
                    }
                }
                if (claimed.isEmpty()) {
                    return Optional.<ClaimedBatch>empty();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO batch (id, scan_id, state, attempts,"
                        + " image_count, created_at) VALUES (?, ?, ?, 0, ?, ?)")) {
                    ps.setString(1, batchId);
                    ps.setString(2, scanId);
                    ps.setString(3, BatchState.PENDING.db());
                    ps.setInt(4, claimed.size());
                    ps.setLong(5, clock.millis());
                    ps.executeUpdate();
                }
                List<ClaimedBatch.Image> images = new ArrayList<>();
                claimed.forEach((sha, path) -> images.add(new ClaimedBatch.Image(sha, path)));
                return Optional.of(new ClaimedBatch(batchId, scanId, scan.modelId(), scan.promptHash(), 1, images));
            });
        } finally {
            claimLock.unlock();
        }
    }

    /** sha256 -> first relative path, for the first staged rows (distinct contents, staging order). */
    private static Map<String, String> stagedCandidates(Connection c, String scanId, int limit) throws SQLException {
        Map<String, String> candidates = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT sha256, rel_path FROM scan_image WHERE scan_id = ?"
                + " AND state = ? ORDER BY seq LIMIT ?")) {
            ps.setString(1, scanId);
            ps.setString(2, ImageState.STAGED.db());
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    candidates.putIfAbsent(rs.getString(1), rs.getString(2));
                }
            }
        }
        return candidates;
    }

    private static Set<String> knownResults(Connection c, ScanInfo scan, Set<String> shas) throws SQLException {
        Set<String> known = new LinkedHashSet<>();
        String placeholders = String.join(", ", Collections.nCopies(shas.size(), "?"));
        try (PreparedStatement ps = c.prepareStatement("SELECT sha256 FROM result WHERE model_id = ?"
                + " AND prompt_hash = ? AND sha256 IN (" + placeholders + ")")) {
            ps.setString(1, scan.modelId());
            ps.setString(2, scan.promptHash());
            int i = 3;
            for (String sha : shas) {
                ps.setString(i++, sha);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    known.add(rs.getString(1));
                }
            }
        }
        return known;
    }

    /**
     * Records that the batch was published (again): in flight, one more attempt, dispatch time now.
     *
     * @return false when the batch is unknown or no longer pending or in flight (e.g. its result already came
     *     in); nothing changes then
     */
    public boolean markPublished(String batchId) {
        return inTransaction("marking batch " + batchId + " published", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE batch SET state = ?, attempts = attempts + 1,"
                    + " dispatched_at = ? WHERE id = ? AND state IN (?, ?)")) {
                ps.setString(1, BatchState.IN_FLIGHT.db());
                ps.setLong(2, clock.millis());
                ps.setString(3, batchId);
                ps.setString(4, BatchState.PENDING.db());
                ps.setString(5, BatchState.IN_FLIGHT.db());
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * The batch again, for publishing once more (e.g. outstanding too long near the end of a run): its images
     * that still have no result, with the next attempt number. Call {@link #markPublished} after publishing.
     *
     * @return empty when the batch is not pending or in flight, or has nothing outstanding
     */
    public Optional<ClaimedBatch> redispatch(String batchId) {
        return read("re-dispatching batch " + batchId, c -> {
            Optional<BatchInfo> batch = batch(c, batchId);
            if (batch.isEmpty() || !(batch.get().state() == BatchState.PENDING
                    || batch.get().state() == BatchState.IN_FLIGHT)) {
                return Optional.<ClaimedBatch>empty();
            }
            ScanInfo scan = scan(c, batch.get().scanId()).orElseThrow();
            Map<String, String> outstanding = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT sha256, rel_path FROM scan_image"
                    + " WHERE batch_id = ? AND state = ? ORDER BY seq")) {
                ps.setString(1, batchId);
                ps.setString(2, ImageState.DISPATCHED.db());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        outstanding.putIfAbsent(rs.getString(1), rs.getString(2));
                    }
                }
            }
            if (outstanding.isEmpty()) {
                return Optional.<ClaimedBatch>empty();
            }
            List<ClaimedBatch.Image> images = new ArrayList<>();
            outstanding.forEach((sha, path) -> images.add(new ClaimedBatch.Image(sha, path)));
            return Optional.of(new ClaimedBatch(batchId, scan.id(), scan.modelId(), scan.promptHash(),
                    batch.get().attempts() + 1, images));
        });
    }

    /**
     * Undoes a claim whose batch could not be published: its images go back to staged and the batch is deleted.
     * Only a pending or in-flight batch is released.
     *
     * @return images returned to staged
     */
    public int releaseBatch(String batchId) {
        return inTransaction("releasing batch " + batchId, c -> {
            int deleted;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM batch WHERE id = ? AND state IN (?, ?)")) {
                ps.setString(1, batchId);
                ps.setString(2, BatchState.PENDING.db());
                ps.setString(3, BatchState.IN_FLIGHT.db());
                deleted = ps.executeUpdate();
            }
            if (deleted == 0) {
                return 0;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE scan_image SET state = ?, batch_id = NULL"
                    + " WHERE batch_id = ? AND state = ?")) {
                ps.setString(1, ImageState.STAGED.db());
                ps.setString(2, batchId);
                ps.setString(3, ImageState.DISPATCHED.db());
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Gives up on a batch (e.g. it crashed workers too many times): the batch is parked with the reason and its
     * images without a result are failed with it. A result arriving later is still taken.
     *
     * @return images failed
     */
    public int parkBatch(String batchId, String reason) {
        return inTransaction("parking batch " + batchId, c -> {
            Optional<BatchInfo> batch = batch(c, batchId);
            if (batch.isEmpty() || batch.get().state() == BatchState.DONE
                    || batch.get().state() == BatchState.PARKED) {
                return 0;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE batch SET state = ?, error = ?, completed_at = ?"
                    + " WHERE id = ?")) {
                ps.setString(1, BatchState.PARKED.db());
                ps.setString(2, reason);
                ps.setLong(3, clock.millis());
                ps.setString(4, batchId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE scan_image SET state = ?, error = ?"
                    + " WHERE batch_id = ? AND state = ?")) {
                ps.setString(1, ImageState.FAILED.db());
                ps.setString(2, "batch " + batchId + " parked after " + batch.get().attempts() + " attempt(s): "
                        + reason);
                ps.setString(3, batchId);
                ps.setString(4, ImageState.DISPATCHED.db());
                return ps.executeUpdate();
            }
        });
    }

    public Optional<BatchInfo> batch(String batchId) {
        return read("reading batch " + batchId, c -> batch(c, batchId));
    }

    /** The scan's batches in a state, oldest first (e.g. in-flight ones to find long-outstanding batches). */
    public List<BatchInfo> batches(String scanId, BatchState state) {
        return read("listing batches of " + scanId, c -> {
            List<BatchInfo> batches = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM batch WHERE scan_id = ? AND state = ?"
                    + " ORDER BY created_at, id")) {
                ps.setString(1, scanId);
                ps.setString(2, state.db());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        batches.add(batchRow(rs));
                    }
                }
            }
            return batches;
        });
    }

    // ---------------------------------------------------------------- results

    /**
     * Records a worker's result message, idempotently. Successful images get their scores (result table) and
     * embedding stored if absent and move to scored from staged, dispatched or failed; errors move images from
     * staged or dispatched to failed. Anything else is a duplicate and changes nothing. Images of the batch still
     * dispatched and not mentioned are failed as missing. The batch becomes done (the first worker to answer is
     * kept).
     *
     * <p>A message for an unknown batch, or computed with another model or prompt set than the scan's, changes
     * nothing.
     */
    public RecordSummary recordResults(ResultMessage message) {
        String batchId = message.batchId();
        long now = clock.millis();
        return inTransaction("recording results of batch " + batchId, c -> {
            Optional<BatchInfo> found = batch(c, batchId);
            if (found.isEmpty()) {
                return new RecordSummary(batchId, RecordSummary.Status.UNKNOWN_BATCH, 0, 0,
                        message.results().size(), 0, "batch " + batchId + " is not in the store; result ignored");
            }
            BatchInfo batch = found.get();
            ScanInfo scan = scan(c, batch.scanId()).orElseThrow();
            if (!scan.modelId().equals(message.modelId()) || !scan.promptHash().equals(message.promptHash())) {
                return new RecordSummary(batchId, RecordSummary.Status.MISMATCH, 0, 0, message.results().size(), 0,
                        "worker " + message.workerId() + " scored batch " + batchId + " with model "
                                + message.modelId() + " / prompt set " + message.promptHash() + ", but scan "
                                + scan.id() + " uses " + scan.modelId() + " / " + scan.promptHash()
                                + "; result ignored");
            }
            int scored = 0;
            int failed = 0;
            int duplicates = 0;
            for (ImageResult result : message.results()) {
                int moved;
                if (result.failed()) {
                    moved = updateImages(c, scan.id(), result.id(), ImageState.FAILED, result.error(), null,
                            message.workerId(), ImageState.STAGED, ImageState.DISPATCHED);
                    failed += moved > 0 ? 1 : 0;
                } else {
                    insertEmbedding(c, result.id(), scan.modelId(), result.embedding(), message.workerId(), now);
                    insertResult(c, result.id(), scan, result.scores(), message.workerId(), now);
                    moved = updateImages(c, scan.id(), result.id(), ImageState.SCORED, null, null,
                            message.workerId(), ImageState.STAGED, ImageState.DISPATCHED, ImageState.FAILED);
                    scored += moved > 0 ? 1 : 0;
                }
                duplicates += moved > 0 ? 0 : 1;
            }
            int missing;
            try (PreparedStatement ps = c.prepareStatement("UPDATE scan_image SET state = ?, error = ?,"
                    + " worker_id = ? WHERE batch_id = ? AND state = ?")) {
                ps.setString(1, ImageState.FAILED.db());
                ps.setString(2, "worker " + message.workerId() + " returned no result for this image in batch "
                        + batchId);
                ps.setString(3, message.workerId());
                ps.setString(4, batchId);
                ps.setString(5, ImageState.DISPATCHED.db());
                missing = ps.executeUpdate();
            }
            boolean open = batch.state() == BatchState.PENDING || batch.state() == BatchState.IN_FLIGHT;
            if (open) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE batch SET state = ?, worker_id = ?,"
                        + " completed_at = ? WHERE id = ?")) {
                    ps.setString(1, BatchState.DONE.db());
                    ps.setString(2, message.workerId());
                    ps.setLong(3, now);
                    ps.setString(4, batchId);
                    ps.executeUpdate();
                }
            }
            return new RecordSummary(batchId, open ? RecordSummary.Status.RECORDED : RecordSummary.Status.LATE,
                    scored, failed, duplicates, missing, "");
        });
    }

    private void insertResult(Connection c, String sha, ScanInfo scan, Map<String, Double> scores, String workerId,
            long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO result (sha256, model_id, prompt_hash, scores,"
                + " worker_id, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, sha);
            ps.setString(2, scan.modelId());
            ps.setString(3, scan.promptHash());
            ps.setString(4, json.writeValueAsString(scores));
            ps.setString(5, workerId);
            ps.setLong(6, now);
            ps.executeUpdate();
        }
    }

    private static void insertEmbedding(Connection c, String sha, String modelId, float[] embedding,
            String workerId, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO embedding (sha256, model_id, dim, vector,"
                + " worker_id, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, sha);
            ps.setString(2, modelId);
            ps.setInt(3, embedding.length);
            ps.setBytes(4, EmbeddingBytes.toBytes(embedding));
            ps.setString(5, workerId);
            ps.setLong(6, now);
            ps.executeUpdate();
        }
    }

    /** Moves the scan's rows with this content from one of {@code from} to {@code to}; returns rows moved. */
    private static int updateImages(Connection c, String scanId, String sha, ImageState to, String error,
            String batchId, String workerId, ImageState... from) throws SQLException {
        String states = String.join(", ", Collections.nCopies(from.length, "?"));
        String sql = "UPDATE scan_image SET state = ?, error = ?"
                + (batchId != null ? ", batch_id = ?" : "")
                + (workerId != null ? ", worker_id = ?" : "")
                + " WHERE scan_id = ? AND sha256 = ? AND state IN (" + states + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, to.db());
            ps.setString(i++, error);
            if (batchId != null) {
                ps.setString(i++, batchId);
            }
            if (workerId != null) {
                ps.setString(i++, workerId);
            }
            ps.setString(i++, scanId);
            ps.setString(i++, sha);
            for (ImageState state : from) {
                ps.setString(i++, state.db());
            }
            return ps.executeUpdate();
        }
    }

    // ---------------------------------------------------------------- progress and reports

    public ScanCounts counts(String scanId) {
        requireScan(scanId);
        return read("counting images of " + scanId, c -> {
            Map<ImageState, Long> images = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT state, COUNT(*) FROM scan_image WHERE scan_id = ? GROUP BY state")) {
                ps.setString(1, scanId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        images.put(ImageState.fromDb(rs.getString(1)), rs.getLong(2));
                    }
                }
            }
            Map<BatchState, Long> batches = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT state, COUNT(*) FROM batch WHERE scan_id = ? GROUP BY state")) {
                ps.setString(1, scanId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        batches.put(BatchState.fromDb(rs.getString(1)), rs.getLong(2));
                    }
                }
            }
            long total = images.values().stream().mapToLong(Long::longValue).sum();
            return new ScanCounts(total, images.getOrDefault(ImageState.STAGED, 0L),
                    images.getOrDefault(ImageState.DISPATCHED, 0L), images.getOrDefault(ImageState.SCORED, 0L),
                    images.getOrDefault(ImageState.REUSED, 0L), images.getOrDefault(ImageState.FAILED, 0L),
                    batches.getOrDefault(BatchState.PENDING, 0L), batches.getOrDefault(BatchState.IN_FLIGHT, 0L),
                    batches.getOrDefault(BatchState.DONE, 0L), batches.getOrDefault(BatchState.PARKED, 0L));
        });
    }

    /** Per worker: images it scored, images it reported failed, batches it answered first; by worker id. */
    public List<WorkerCounts> countsByWorker(String scanId) {
        requireScan(scanId);
        return read("counting images per worker of " + scanId, c -> {
            Map<String, long[]> byWorker = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT worker_id, state, COUNT(*) FROM scan_image"
                    + " WHERE scan_id = ? AND worker_id IS NOT NULL GROUP BY worker_id, state")) {
                ps.setString(1, scanId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long[] counts = byWorker.computeIfAbsent(rs.getString(1), w -> new long[3]);
                        ImageState state = ImageState.fromDb(rs.getString(2));
                        if (state == ImageState.SCORED) {
                            counts[0] += rs.getLong(3);
                        } else if (state == ImageState.FAILED) {
                            counts[1] += rs.getLong(3);
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT worker_id, COUNT(*) FROM batch"
                    + " WHERE scan_id = ? AND worker_id IS NOT NULL GROUP BY worker_id")) {
                ps.setString(1, scanId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byWorker.computeIfAbsent(rs.getString(1), w -> new long[3])[2] += rs.getLong(2);
                    }
                }
            }
            List<WorkerCounts> result = new ArrayList<>();
            byWorker.forEach((worker, counts) -> result.add(new WorkerCounts(worker, counts[0], counts[1],
                    counts[2])));
            return result;
        });
    }

    /** Up to {@code limit} failed images of the scan, by path. */
    public List<ImageFailure> failures(String scanId, int limit) {
        List<ImageFailure> failures = new ArrayList<>();
        forEachFailure(scanId, failure -> {
            if (failures.size() < limit) {
                failures.add(failure);
            }
        }, limit);
        return failures;
    }

    /** Streams every failed image of the scan, by path. */
    public void forEachFailure(String scanId, Consumer<ImageFailure> consumer) {
        forEachFailure(scanId, consumer, Long.MAX_VALUE);
    }

    private void forEachFailure(String scanId, Consumer<ImageFailure> consumer, long limit) {
        requireScan(scanId);
        stream("listing failures of " + scanId, "SELECT rel_path, faceset, sha256, error, worker_id FROM scan_image"
                + " WHERE scan_id = ? AND state = ? ORDER BY rel_path LIMIT ?",
                ps -> {
                    ps.setString(1, scanId);
                    ps.setString(2, ImageState.FAILED.db());
                    ps.setLong(3, limit);
                },
                rs -> consumer.accept(new ImageFailure(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5))));
    }

    /**
     * Streams every image of the scan with its scores under the scan's model and prompt set, grouped by face set
     * (ordered by face set, then path, in the database's collation): the input of a plan.
     */
    public void forEachImage(String scanId, Consumer<ImageRecord> consumer) {
        ScanInfo scan = requireScan(scanId);
        stream("reading images of " + scanId, "SELECT si.rel_path, si.faceset, si.sha256, si.size, si.state,"
                + " si.error, si.worker_id, r.scores FROM scan_image si LEFT JOIN result r ON r.sha256 = si.sha256"
                + " AND r.model_id = ? AND r.prompt_hash = ? WHERE si.scan_id = ? ORDER BY si.faceset, si.rel_path",
                ps -> {
                    ps.setString(1, scan.modelId());
                    ps.setString(2, scan.promptHash());
                    ps.setString(3, scanId);
                },
                rs -> {
                    ImageState state = ImageState.fromDb(rs.getString(5));
                    String scores = rs.getString(8);
                    Map<String, Double> parsed = Map.of();
                    if (scores != null && (state == ImageState.SCORED || state == ImageState.REUSED)) {
                        parsed = parseScores(scores);
                    }
                    consumer.accept(new ImageRecord(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getLong(4), state, parsed, rs.getString(6), rs.getString(7)));
                });
    }

    /** The stored scores of one content under a model and prompt set. */
    public Optional<Map<String, Double>> result(String sha256, String modelId, String promptHash) {
        return read("reading the result of " + sha256, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT scores FROM result WHERE sha256 = ?"
                    + " AND model_id = ? AND prompt_hash = ?")) {
                ps.setString(1, sha256);
                ps.setString(2, modelId);
                ps.setString(3, promptHash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(parseScores(rs.getString(1))) : Optional.empty();
                }
            }
        });
    }

    // ---------------------------------------------------------------- rows

    private ScanInfo requireScan(String scanId) {
        return scan(scanId).orElseThrow(() -> new StoreException("no scan " + scanId + " in the store; list the"
                + " scans to pick an existing id"));
    }

    private static Optional<ScanInfo> scan(Connection c, String scanId) throws SQLException {
        return firstScan(c, "SELECT * FROM scan WHERE id = ?", scanId);
    }

    private static Optional<ScanInfo> firstScan(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(scanRow(rs)) : Optional.empty();
            }
        }
    }

    private static ScanInfo scanRow(ResultSet rs) throws SQLException {
        return new ScanInfo(rs.getString("id"), rs.getString("root"), rs.getString("model_id"),
                rs.getString("prompt_hash"), rs.getString("prompt_set"), ScanState.fromDb(rs.getString("state")),
                instant(rs, "created_at"), instant(rs, "finished_at"));
    }

    private static Optional<BatchInfo> batch(Connection c, String batchId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM batch WHERE id = ?")) {
            ps.setString(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(batchRow(rs)) : Optional.empty();
            }
        }
    }

    private static BatchInfo batchRow(ResultSet rs) throws SQLException {
        return new BatchInfo(rs.getString("id"), rs.getString("scan_id"), BatchState.fromDb(rs.getString("state")),
                rs.getInt("attempts"), rs.getInt("image_count"), rs.getString("worker_id"),
                instant(rs, "created_at"), instant(rs, "dispatched_at"), instant(rs, "completed_at"),
                rs.getString("error"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private Map<String, Double> parseScores(String text) {
        try {
            return Collections.unmodifiableMap(json.readValue(text, SCORES));
        } catch (JacksonException e) {
            throw new StoreException("stored scores are not valid JSON (" + oneLine(e) + "): " + text, e);
        }
    }

    private static Instant truncate(Instant instant) {
        return Instant.ofEpochMilli(instant.toEpochMilli());
    }

    private static String newBatchId() {
        return UUID.randomUUID().toString();
    }

    private static void requireOne(int updated, String what) {
        if (updated != 1) {
            throw new StoreException("no " + what + " in the store");
        }
    }

    // ---------------------------------------------------------------- JDBC plumbing

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface RowHandler {
        void row(ResultSet rs) throws SQLException;
    }

    private <T> T inTransaction(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + oneLine(e), e);
        }
    }

    private <T> T read(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + oneLine(e), e);
        }
    }

    /**
     * Runs a query and hands each row over while the cursor is open, so that large results are not held in
     * memory. PostgreSQL only streams inside a transaction; SQLite streams in auto-commit (and a transaction there
     * would take the write lock, blocking writes the consumer may make).
     */
    private void stream(String what, String sql, Binder binder, RowHandler handler) {
        try (Connection c = dataSource.getConnection()) {
            boolean transaction = dialect == Dialect.POSTGRESQL;
            if (transaction) {
                c.setAutoCommit(false);
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(FETCH_SIZE);
                binder.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        handler.row(rs);
                    }
                }
            } finally {
                if (transaction) {
                    rollback(c);
                    c.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + oneLine(e), e);
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the original failure is the one worth reporting
        }
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }
}
