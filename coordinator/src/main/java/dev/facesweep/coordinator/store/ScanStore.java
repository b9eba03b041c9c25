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
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
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
    /** Most values in one {@code IN (...)} list (both databases allow far more; this keeps statements short). */
    private static final int IN_LIST_MAX = 500;
    /** Tries of a write transaction that PostgreSQL aborted to break a deadlock. */
    private static final int TRANSACTION_ATTEMPTS = 5;
    private static final DateTimeFormatter SCAN_ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final TypeReference<LinkedHashMap<String, Double>> SCORES = new TypeReference<>() {
    };

    /** Pages of the SQLite writer connection's cache (4 KiB each: 64 MiB), so the hot index pages stay in it. */
    static final int SQLITE_WRITER_CACHE_PAGES = 16_384;
    /** WAL frames (pages) after which the checkpointer lets the log start over: 64 MiB. */
    static final int SQLITE_WAL_RESTART_FRAMES = 16_000;
    /**
     * Pause between two passes of the checkpointer: a page written by many commits in between (the end of a table,
     * the busy part of an index) is copied once per pass.
     */
    static final long SQLITE_CHECKPOINT_PAUSE_MILLIS = 2000;

    private final DataSource dataSource;
    private final DataSource writeSource;
    private final List<AutoCloseable> ownedPools;
    private final Clock clock;
    private final Dialect dialect;
    private final JsonMapper json = JsonMapper.builder().build();
    private final ReentrantLock claimLock = new ReentrantLock();
    /** SQLite only, else null. */
    private SqliteCheckpointer checkpointer;
    /**
     * Per scan, a seq below which this process knows no image is staged: claims take staged images in seq order, so
     * after a claim every staged image lies above the last seq it looked at, until {@link #releaseBatch} stages
     * images again (which forgets the floors). The queries over a scan's staged images start there. On
     * PostgreSQL that matters: an image leaving "staged" leaves a dead entry at the front of the staged range of the
     * state index until a vacuum, and without the floor every claim would walk past all of them again.
     */
    private final Map<String, Long> stagedFloor = new ConcurrentHashMap<>();
    /**
     * Per scan, the last seq this process gave out while staging; read once per scan ({@code MAX(seq)} reads every
     * row of the scan), then counted up. A seq a failed chunk reserved stays unused: only the order matters.
     */
    private final Map<String, AtomicLong> lastSeq = new ConcurrentHashMap<>();
    /**
     * Per scan, the last seq whose staged images {@link #reuseKnownResults} (and {@link #forEachRescorable}) has
     * already looked at: each staged image is looked at once, not once per staged chunk while it waits to be
     * claimed. A result stored later for a looked-at image is still found: claims check again.
     */
    private final Map<String, Long> reuseLooked = new ConcurrentHashMap<>();
    private final Map<String, Long> rescoreLooked = new ConcurrentHashMap<>();
    /**
     * PostgreSQL only: per scan, the staged row count at which this process refreshes the planner's statistics of
     * {@code scan_image} next (see {@link #refreshPlannerStatistics}).
     */
    private final Map<String, Long> nextAnalyze = new ConcurrentHashMap<>();

    /**
     * @param dataSource reads (and writes, when {@code writeSource} is null)
     * @param writeSource every write transaction, or null
     * @param ownedPools closed by {@link #close()}
     */
    private ScanStore(DataSource dataSource, DataSource writeSource, List<AutoCloseable> ownedPools, Clock clock) {
        this.dataSource = dataSource;
        this.writeSource = writeSource != null ? writeSource : dataSource;
        this.ownedPools = ownedPools;
        this.clock = clock;
        this.dialect = detectDialect(dataSource);
        migrate(this.writeSource);
    }

    // ---------------------------------------------------------------- opening

    /**
     * Uses a data source the caller owns (e.g. Spring's pool); migrates the schema. {@link #close()} leaves the
     * data source open.
     */
    public static ScanStore open(DataSource dataSource, Clock clock) {
        return new ScanStore(Objects.requireNonNull(dataSource, "dataSource"), null, List.of(), clock);
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

    /**
     * Opens a SQLite store at an exact file path (its folder must exist).
     *
     * <p>Every write goes through one connection of its own (a pool of one), reads through a small pool:
     * <ul>
     *   <li>Writers queue in Java for that connection instead of in SQLite's busy handler, which sleeps
     *       (milliseconds at a time) whenever two connections of this process want the write lock at once.</li>
     *   <li>A SQLite connection drops its whole page cache when another connection has written since its last
     *       transaction; with all writes on one connection, its cache ({@value #SQLITE_WRITER_CACHE_PAGES} pages)
     *       stays warm, and the index pages every claim and result touches are not read again and again.</li>
     *   <li>Commits only append to the write-ahead log; a {@link SqliteCheckpointer} copies it back into the
     *       database on a thread of its own instead of inside whichever commit crosses SQLite's threshold.</li>
     * </ul>
     *
     * <p>Durability: WAL journal with {@code synchronous=NORMAL}. A commit is safe from a crash of this process
     * (kill -9) the moment it returns; only a power failure or an operating-system crash can lose the last commits
     * since the WAL was last synced (at each checkpoint pass), and then always a suffix of them: the database comes back
     * as it was at an earlier commit, never half-written. Nothing is lost for good by that: the results those
     * commits held were acknowledged to the broker, but their batches are back to in flight (or their images back
     * to staged) in the recovered store, and the next run of the scan publishes every pending and in-flight batch
     * again (see {@code ScanRun}), so the images are scored once more. {@code synchronous=FULL} would instead sync
     * the WAL on every commit, several times per batch.
     */
    public static ScanStore sqliteFile(Path dbFile, Clock clock) {
        String url = "jdbc:sqlite:" + dbFile.toAbsolutePath();
        HikariDataSource writer = sqlitePool(url, "facesweep-sqlite-write", 1, SQLITE_WRITER_CACHE_PAGES,
                "SQLite database " + dbFile);
        HikariDataSource readers;
        try {
            readers = sqlitePool(url, "facesweep-sqlite", 4, 0, "SQLite database " + dbFile);
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
        ScanStore store;
        try {
            store = new ScanStore(readers, writer, List.of(readers, writer), clock);
        } catch (RuntimeException e) {
            readers.close();
            writer.close();
            throw e;
        }
        SQLiteConfig own = sqliteConfig();
        own.setBusyTimeout(100);
        SQLiteDataSource checkpoints = new SQLiteDataSource(own);
        checkpoints.setUrl(url);
        store.checkpointer = new SqliteCheckpointer(checkpoints::getConnection, writer, SQLITE_WAL_RESTART_FRAMES,
                SQLITE_CHECKPOINT_PAUSE_MILLIS, "facesweep-sqlite-checkpoint").start();
        return store;
    }

    private static SQLiteConfig sqliteConfig() {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(30_000);
        config.enforceForeignKeys(true);
        // Write transactions take the write lock up front: no read-to-write upgrade can fail with SQLITE_BUSY.
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        return config;
    }

    /** @param cachePages the connections' page cache, 0 for SQLite's default */
    private static HikariDataSource sqlitePool(String url, String name, int size, int cachePages, String where) {
        SQLiteConfig config = sqliteConfig();
        if (cachePages > 0) {
            config.setCacheSize(cachePages);
        }
        SQLiteDataSource sqlite = new SQLiteDataSource(config);
        sqlite.setUrl(url);
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(sqlite);
        pool.setPoolName(name);
        pool.setMaximumPoolSize(size);
        pool.setInitializationFailTimeout(-1);
        // commits only append to the log: the SqliteCheckpointer copies it back on its own thread
        pool.setConnectionInitSql("PRAGMA wal_autocheckpoint = 0");
        try {
            return new HikariDataSource(pool);
        } catch (RuntimeException e) {
            throw new StoreException("cannot open the store at " + where + ": " + oneLine(e), e);
        }
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
        pool.setInitializationFailTimeout(-1);
        if (url.startsWith("jdbc:postgresql:")) {
            pool.setConnectionInitSql(POSTGRES_SESSION_SETUP);
        }
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(pool);
        } catch (RuntimeException e) {
            throw new StoreException("cannot open the store at " + url + ": " + oneLine(e), e);
        }
        try {
            return new ScanStore(dataSource, null, List.of(dataSource), clock);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    /**
     * Run on every new PostgreSQL connection. The driver prepares a statement on the server after a few uses, and
     * the server may then keep one generic plan for it, made from the table statistics of that moment. A scan
     * starts from empty tables, so that plan can be one that is only good for empty tables (a nested loop over all
     * results, found making a reuse look take seconds at 70,000 images), and it stays cached until the tables are
     * analyzed again, which never happens when autovacuum is off. Planning each execution with its own values
     * costs well under a millisecond per statement and keeps the plans right as the tables grow. (PostgreSQL 12+.)
     */
    static final String POSTGRES_SESSION_SETUP = "SET plan_cache_mode = force_custom_plan";

    @Override
    public void close() {
        if (checkpointer != null) {
            checkpointer.close();
        }
        StoreException failure = null;
        for (AutoCloseable pool : ownedPools) {
            try {
                pool.close();
            } catch (Exception e) {
                failure = new StoreException("closing the store failed: " + oneLine(e), e);
            }
        }
        if (failure != null) {
            throw failure;
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
        AtomicLong seq = seqCounter(scanId);
        long taken = 0;
        List<StagedImage> chunk = new ArrayList<>(STAGE_CHUNK);
        while (images.hasNext()) {
            chunk.add(images.next());
            taken++;
            if (chunk.size() == STAGE_CHUNK || !images.hasNext()) {
                long firstSeq = seq.getAndAdd(chunk.size()) + 1;
                long[] counts = insertChunk(scanId, chunk, firstSeq);
                for (int i = 0; i < totals.length; i++) {
                    totals[i] += counts[i];
                }
                chunk.clear();
                refreshPlannerStatistics(scanId, seq.get());
                progress.accept(taken);
            }
        }
        return new StageSummary(totals[0], totals[1], totals[2]);
    }

    /**
     * PostgreSQL: runs {@code ANALYZE scan_image} when the scan's staged rows first reach {@value #STAGE_CHUNK}, then
     * each time they grow tenfold. Without statistics (a new table, or autovacuum off) the planner rates the state
     * index as good as the sha256 index for the claim's and the results' {@code scan_id = ? AND sha256 = ? AND
     * state IN (...)} updates, takes it, and reads every staged row of the scan (and every dead entry left by rows
     * that moved on) for each image: a scan of 300,000 images then ran at under 900 images/s. With statistics the
     * sha256 column shows itself nearly unique and the planner keeps to its index. SQLite plans these with the
     * sha256 index without statistics.
     */
    private void refreshPlannerStatistics(String scanId, long stagedRows) {
        if (dialect != Dialect.POSTGRESQL || stagedRows < nextAnalyze.getOrDefault(scanId, (long) STAGE_CHUNK)) {
            return;
        }
        nextAnalyze.put(scanId, Math.multiplyExact(Math.max(stagedRows, STAGE_CHUNK), 10L));
        read("refreshing the planner statistics of scan_image", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE scan_image");
            }
            return null;
        });
    }

    /** @return {staged, failed, already staged} */
    private long[] insertChunk(String scanId, List<StagedImage> chunk, long firstSeq) {
        return inTransaction("staging images into " + scanId, c -> {
            long[] totals = new long[3];
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
            return totals;
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
     * Marks every staged image of the scan whose (sha256, model, prompt hash) already has a result as reused. Each
     * staged image is looked at once per process: a call looks only at the images staged since the last one (a
     * result stored later is found by the claim, which looks again).
     *
     * @return images marked
     */
    public int reuseKnownResults(String scanId) {
        ScanInfo scan = requireScan(scanId);
        long from = lookFrom(scanId, reuseLooked);
        long upTo = seqCounter(scanId).get();
        // Look first, on a reader: most staged images of a first scan have no result, and the look leaves the one
        // write connection free. (A result stored after the look is found when the image is claimed.)
        boolean any = read("looking for stored results of " + scanId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM scan_image WHERE scan_id = ? AND state = ?"
                    + " AND seq > ? AND EXISTS (SELECT 1 FROM result r WHERE r.sha256 = scan_image.sha256"
                    + " AND r.model_id = ? AND r.prompt_hash = ?) LIMIT 1")) {
                ps.setString(1, scanId);
                ps.setString(2, ImageState.STAGED.db());
                ps.setLong(3, from);
                ps.setString(4, scan.modelId());
                ps.setString(5, scan.promptHash());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
        if (!any) {
            reuseLooked.merge(scanId, upTo, Math::max);
            return 0;
        }
        int reused = inTransaction("reusing stored results for " + scanId, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE scan_image SET state = ? WHERE scan_id = ?"
                    + " AND state = ? AND seq > ? AND EXISTS (SELECT 1 FROM result r WHERE r.sha256 ="
                    + " scan_image.sha256 AND r.model_id = ? AND r.prompt_hash = ?)")) {
                ps.setString(1, ImageState.REUSED.db());
                ps.setString(2, scanId);
                ps.setString(3, ImageState.STAGED.db());
                ps.setLong(4, from);
                ps.setString(5, scan.modelId());
                ps.setString(6, scan.promptHash());
                return ps.executeUpdate();
            }
        });
        reuseLooked.merge(scanId, upTo, Math::max);
        return reused;
    }

    /**
     * Streams, once per distinct content, the stored embeddings of the scan's staged images that have no result
     * for the scan's prompt set: score them with {@link #recordRescored} instead of dispatching them. Like
     * {@link #reuseKnownResults}, a call looks only at the images staged since the last call of this process.
     */
    public void forEachRescorable(String scanId, Consumer<StoredEmbedding> consumer) {
        ScanInfo scan = requireScan(scanId);
        long from = lookFrom(scanId, rescoreLooked);
        long upTo = seqCounter(scanId).get();
        stream("reading embeddings to rescore for " + scanId, "SELECT e.sha256, e.vector FROM embedding e"
                + " WHERE e.model_id = ? AND e.sha256 IN (SELECT si.sha256 FROM scan_image si WHERE si.scan_id = ?"
                + " AND si.state = ? AND si.seq > ?) AND NOT EXISTS (SELECT 1 FROM result r WHERE r.sha256 ="
                + " e.sha256 AND r.model_id = e.model_id AND r.prompt_hash = ?) ORDER BY e.sha256",
                ps -> {
                    ps.setString(1, scan.modelId());
                    ps.setString(2, scanId);
                    ps.setString(3, ImageState.STAGED.db());
                    ps.setLong(4, from);
                    ps.setString(5, scan.promptHash());
                },
                rs -> consumer.accept(new StoredEmbedding(rs.getString(1), EmbeddingBytes.fromBytes(rs.getBytes(2)))));
        rescoreLooked.merge(scanId, upTo, Math::max);
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
     * Takes up to {@code maxImages} staged images, in staging order, into a new pending batch; see
     * {@link #claimBatches}.
     *
     * @return empty when nothing is staged
     */
    public Optional<ClaimedBatch> claimBatch(String scanId, int maxImages) {
        return claimBatches(scanId, maxImages, 1).stream().findFirst();
    }

    /**
     * Takes up to {@code maxBatches} x {@code batchSize} staged images, in staging order, into new pending batches
     * of {@code batchSize} (the last one may be smaller), all in one transaction. Images whose result is already
     * stored (e.g. scored by another batch meanwhile) are marked reused instead. Every staged path with a claimed
     * content moves to dispatched with its batch, so one content is scored once per scan.
     *
     * @return the batches in staging order; empty when nothing is staged
     */
    public List<ClaimedBatch> claimBatches(String scanId, int batchSize, int maxBatches) {
        return claim(scanId, batchSize, maxBatches, false);
    }

    /**
     * {@link #claimBatches} for a caller that publishes the batches right away: in the same transaction they are
     * recorded as published (in flight, attempt 1, dispatched now), which saves the {@link #markPublished}
     * transaction per claim. Release the batches with {@link #releaseBatch} if publishing fails. Should the process
     * die between this and the publish, the batches are in flight without having been sent; the next run of the
     * scan publishes them again, as it does every batch left in flight (with attempt 2 in the message).
     */
    public List<ClaimedBatch> claimBatchesForPublishing(String scanId, int batchSize, int maxBatches) {
        return claim(scanId, batchSize, maxBatches, true);
    }

    private List<ClaimedBatch> claim(String scanId, int batchSize, int maxBatches, boolean published) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (maxBatches < 1) {
            throw new IllegalArgumentException("batches to claim must be at least 1, got " + maxBatches);
        }
        ScanInfo scan = requireScan(scanId);
        int want = Math.multiplyExact(batchSize, maxBatches);
        List<String> batchIds = new ArrayList<>(maxBatches);
        for (int i = 0; i < maxBatches; i++) {
            batchIds.add(newBatchId());
        }
        claimLock.lock();
        try {
            long[] floor = {stagedFloor(scanId)};
            List<ClaimedBatch> result = inTransaction("claiming batches in " + scanId, c -> {
                floor[0] = stagedFloor(scanId);
                // sha256 -> (path, batch) of each claimed content, in claim order
                Map<String, String[]> claimed = new LinkedHashMap<>();
                try (PreparedStatement reuse = c.prepareStatement(updateImagesSql(false, false, 1));
                        PreparedStatement take = c.prepareStatement(updateImagesSql(true, false, 1))) {
                    int assigned = 0;
                    while (claimed.size() < want) {
                        Map<String, String> candidates = stagedCandidates(c, scanId, floor, want - claimed.size());
                        if (candidates.isEmpty()) {
                            break;
                        }
                        Set<String> known = knownResults(c, scan, candidates.keySet());
                        List<String[]> taken = new ArrayList<>();
                        for (Map.Entry<String, String> candidate : candidates.entrySet()) {
                            String sha = candidate.getKey();
                            if (known.contains(sha)) {
                                bindUpdateImages(reuse, scanId, sha, ImageState.REUSED, null, null, null,
                                        ImageState.STAGED);
                                reuse.addBatch();
                            } else {
                                String batchId = batchIds.get(assigned++ / batchSize);
                                bindUpdateImages(take, scanId, sha, ImageState.DISPATCHED, null, batchId, null,
                                        ImageState.STAGED);
                                take.addBatch();
                                taken.add(new String[] {sha, candidate.getValue(), batchId});
                            }
                        }
                        if (!known.isEmpty()) {
                            reuse.executeBatch();
                        }
                        if (!taken.isEmpty()) {
                            int[] moved = take.executeBatch();
                            for (int i = 0; i < moved.length; i++) {
                                if (moved[i] != 0) {
                                    claimed.put(taken.get(i)[0], new String[] {taken.get(i)[1], taken.get(i)[2]});
                                }
                            }
                        }
                    }
                }
                if (claimed.isEmpty()) {
                    return List.<ClaimedBatch>of();
                }
                Map<String, List<ClaimedBatch.Image>> byBatch = new LinkedHashMap<>();
                claimed.forEach((sha, pathAndBatch) -> byBatch.computeIfAbsent(pathAndBatch[1],
                        id -> new ArrayList<>()).add(new ClaimedBatch.Image(sha, pathAndBatch[0])));
                long now = clock.millis();
                List<ClaimedBatch> batches = new ArrayList<>(byBatch.size());
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO batch (id, scan_id, state, attempts,"
                        + " image_count, created_at, dispatched_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    for (Map.Entry<String, List<ClaimedBatch.Image>> batch : byBatch.entrySet()) {
                        ps.setString(1, batch.getKey());
                        ps.setString(2, scanId);
                        ps.setString(3, (published ? BatchState.IN_FLIGHT : BatchState.PENDING).db());
                        ps.setInt(4, published ? 1 : 0);
                        ps.setInt(5, batch.getValue().size());
                        ps.setLong(6, now);
                        if (published) {
                            ps.setLong(7, now);
                        } else {
                            ps.setNull(7, Types.BIGINT);
                        }
                        ps.addBatch();
                        batches.add(new ClaimedBatch(batch.getKey(), scanId, scan.modelId(), scan.promptHash(), 1,
                                batch.getValue()));
                    }
                    ps.executeBatch();
                }
                return batches;
            });
            // every image up to floor[0] left "staged" in that transaction
            stagedFloor.merge(scanId, floor[0], Math::max);
            return result;
        } finally {
            claimLock.unlock();
        }
    }

    private long stagedFloor(String scanId) {
        return stagedFloor.getOrDefault(scanId, 0L);
    }

    /** The scan's staging sequence as this process counts it (read from the store on first use). */
    private AtomicLong seqCounter(String scanId) {
        return lastSeq.computeIfAbsent(scanId, id -> new AtomicLong(read("reading the last seq of " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COALESCE(MAX(seq), 0) FROM scan_image WHERE scan_id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        })));
    }

    /** Where a look over the scan's staged images may start: above the floor and above what it already saw. */
    private long lookFrom(String scanId, Map<String, Long> looked) {
        return Math.max(stagedFloor(scanId), looked.getOrDefault(scanId, 0L));
    }

    /**
     * sha256 -> first relative path, for the first staged rows above {@code floor[0]} (distinct contents, staging
     * order); raises {@code floor[0]} to the last seq read.
     */
    private static Map<String, String> stagedCandidates(Connection c, String scanId, long[] floor, int limit)
            throws SQLException {
        Map<String, String> candidates = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT sha256, rel_path, seq FROM scan_image"
                + " WHERE scan_id = ? AND state = ? AND seq > ? ORDER BY seq LIMIT ?")) {
            ps.setString(1, scanId);
            ps.setString(2, ImageState.STAGED.db());
            ps.setLong(3, floor[0]);
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    candidates.putIfAbsent(rs.getString(1), rs.getString(2));
                    floor[0] = Math.max(floor[0], rs.getLong(3));
                }
            }
        }
        return candidates;
    }

    private static Set<String> knownResults(Connection c, ScanInfo scan, Set<String> shas) throws SQLException {
        Set<String> known = new LinkedHashSet<>();
        List<String> all = new ArrayList<>(shas);
        for (int from = 0; from < all.size(); from += IN_LIST_MAX) {
            List<String> part = all.subList(from, Math.min(all.size(), from + IN_LIST_MAX));
            String placeholders = String.join(", ", Collections.nCopies(part.size(), "?"));
            try (PreparedStatement ps = c.prepareStatement("SELECT sha256 FROM result WHERE model_id = ?"
                    + " AND prompt_hash = ? AND sha256 IN (" + placeholders + ")")) {
                ps.setString(1, scan.modelId());
                ps.setString(2, scan.promptHash());
                int i = 3;
                for (String sha : part) {
                    ps.setString(i++, sha);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        known.add(rs.getString(1));
                    }
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
        return markPublished(List.of(batchId)) == 1;
    }

    /**
     * {@link #markPublished(String)} for several batches in one transaction.
     *
     * @return how many of them were marked (the others are unknown, done or parked)
     */
    public int markPublished(Collection<String> batchIds) {
        if (batchIds.isEmpty()) {
            return 0;
        }
        // in id order, as recordResults locks batch rows, so the two never wait for each other in a cycle
        List<String> sorted = batchIds.stream().sorted().toList();
        return inTransaction("marking " + batchIds.size() + " batch(es) published", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE batch SET state = ?, attempts = attempts + 1,"
                    + " dispatched_at = ? WHERE id = ? AND state IN (?, ?)")) {
                long now = clock.millis();
                for (String batchId : sorted) {
                    ps.setString(1, BatchState.IN_FLIGHT.db());
                    ps.setLong(2, now);
                    ps.setString(3, batchId);
                    ps.setString(4, BatchState.PENDING.db());
                    ps.setString(5, BatchState.IN_FLIGHT.db());
                    ps.addBatch();
                }
                int marked = 0;
                for (int n : ps.executeBatch()) {
                    marked += n > 0 ? 1 : 0;
                }
                return marked;
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
        claimLock.lock();
        try {
            return release(batchId);
        } finally {
            stagedFloor.clear(); // its images are staged again, below the floors
            claimLock.unlock();
        }
    }

    private int release(String batchId) {
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
     * Gives up on a batch the workers parked (it crashed or failed them too often). A batch of one image (one
     * content) is parked: its unscored images fail with the reason. A batch of several is split instead: it
     * becomes {@link BatchState#SPLIT} and each of its unscored contents gets a pending batch of its own (returned,
     * for the caller to publish), so that one bad image does not take its neighbours down with it; whichever of
     * those fails again is parked alone. A batch already done, parked or split is left alone; a result that
     * arrives later for a parked or split batch is still taken.
     */
    public ParkOutcome parkBatch(String batchId, String reason) {
        return inTransaction("parking batch " + batchId, c -> {
            Optional<BatchInfo> found = batch(c, batchId);
            if (found.isEmpty() || found.get().state() == BatchState.DONE
                    || found.get().state() == BatchState.PARKED || found.get().state() == BatchState.SPLIT) {
                return ParkOutcome.NOTHING;
            }
            BatchInfo batch = found.get();
            long now = clock.millis();
            // Claims the batch first, so that on PostgreSQL a concurrent transaction that finishes or parks the same
            // batch (a late result, a second parked copy) either went first, and this changes nothing, or waits.
            try (PreparedStatement ps = c.prepareStatement("UPDATE batch SET state = ?, error = ?, completed_at = ?"
                    + " WHERE id = ? AND state IN (?, ?)")) {
                ps.setString(1, BatchState.PARKED.db());
                ps.setString(2, reason);
                ps.setLong(3, now);
                ps.setString(4, batchId);
                ps.setString(5, BatchState.PENDING.db());
                ps.setString(6, BatchState.IN_FLIGHT.db());
                if (ps.executeUpdate() == 0) {
                    return ParkOutcome.NOTHING;
                }
            }
            Map<String, String> unscored = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT sha256, rel_path FROM scan_image"
                    + " WHERE batch_id = ? AND state = ? ORDER BY seq")) {
                ps.setString(1, batchId);
                ps.setString(2, ImageState.DISPATCHED.db());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        unscored.putIfAbsent(rs.getString(1), rs.getString(2));
                    }
                }
            }
            if (unscored.size() > 1) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE batch SET state = ? WHERE id = ?")) {
                    ps.setString(1, BatchState.SPLIT.db());
                    ps.setString(2, batchId);
                    ps.executeUpdate();
                }
                return new ParkOutcome(0, splitIntoSingles(c, batch, unscored, now));
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE scan_image SET state = ?, error = ?"
                    + " WHERE batch_id = ? AND state = ?")) {
                ps.setString(1, ImageState.FAILED.db());
                ps.setString(2, "batch " + batchId + " parked after " + batch.attempts() + " attempt(s): "
                        + reason);
                ps.setString(3, batchId);
                ps.setString(4, ImageState.DISPATCHED.db());
                return new ParkOutcome(ps.executeUpdate(), List.of());
            }
        });
    }

    /**
     * One pending batch per content of a split batch; its images move to their new batch, still dispatched. A
     * content whose images are no longer dispatched when they are moved (scored meanwhile) gets no batch.
     */
    private List<ClaimedBatch> splitIntoSingles(Connection c, BatchInfo batch, Map<String, String> unscored,
            long now) throws SQLException {
        ScanInfo scan = scan(c, batch.scanId()).orElseThrow();
        List<ClaimedBatch> candidates = new ArrayList<>(unscored.size());
        try (PreparedStatement move = c.prepareStatement("UPDATE scan_image SET batch_id = ?"
                + " WHERE batch_id = ? AND sha256 = ? AND state = ?")) {
            for (Map.Entry<String, String> image : unscored.entrySet()) {
                String id = newBatchId();
                move.setString(1, id);
                move.setString(2, batch.id());
                move.setString(3, image.getKey());
                move.setString(4, ImageState.DISPATCHED.db());
                move.addBatch();
                candidates.add(new ClaimedBatch(id, scan.id(), scan.modelId(), scan.promptHash(), 1,
                        List.of(new ClaimedBatch.Image(image.getKey(), image.getValue()))));
            }
            int[] moved = move.executeBatch();
            List<ClaimedBatch> singles = new ArrayList<>(candidates.size());
            for (int i = 0; i < moved.length; i++) {
                if (moved[i] != 0) {
                    singles.add(candidates.get(i));
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO batch (id, scan_id, state, attempts,"
                    + " image_count, created_at) VALUES (?, ?, ?, 0, 1, ?)")) {
                for (ClaimedBatch single : singles) {
                    insert.setString(1, single.batchId());
                    insert.setString(2, scan.id());
                    insert.setString(3, BatchState.PENDING.db());
                    insert.setLong(4, now);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return singles;
        }
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
        return recordResults(List.of(message)).get(0);
    }

    /**
     * Records several result messages in one transaction, in order, each exactly as {@link #recordResults(
     * ResultMessage)} would (a later message sees what an earlier one stored, so a duplicate inside the group is
     * still a duplicate). Either all of them are stored or, on an exception, none.
     *
     * @return one summary per message, in order
     */
    public List<RecordSummary> recordResults(List<ResultMessage> messages) {
        if (messages.isEmpty()) {
            return List.of();
        }
        String what = messages.size() == 1 ? "recording results of batch " + messages.get(0).batchId()
                : "recording the results of " + messages.size() + " batches";
        long now = clock.millis();
        // Recorded in batch id order (stable: messages of the same batch keep their order), as markPublished locks
        // batch rows, so that concurrent transactions never wait for each other in a cycle on PostgreSQL.
        Integer[] order = new Integer[messages.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparing(i -> messages.get(i).batchId()));
        return inTransaction(what, c -> {
            try (ResultWriter writer = new ResultWriter(c, now)) {
                RecordSummary[] summaries = new RecordSummary[messages.size()];
                for (int i : order) {
                    summaries[i] = writer.record(messages.get(i));
                }
                return List.of(summaries);
            }
        });
    }

    /**
     * The statements of {@link #recordResults(List)}, prepared once per transaction and run as JDBC batches: per
     * message one batch of failed images, one of embeddings, one of results and one of scored images.
     */
    private final class ResultWriter implements AutoCloseable {

        private final Connection c;
        private final long now;
        private final Map<String, ScanInfo> scans = new HashMap<>();
        private final PreparedStatement findBatch;
        private final PreparedStatement failImage;
        private final PreparedStatement embedding;
        private final PreparedStatement result;
        private final PreparedStatement scoreImage;
        private final PreparedStatement failMissing;
        private final PreparedStatement finishBatch;

        ResultWriter(Connection c, long now) throws SQLException {
            this.c = c;
            this.now = now;
            this.findBatch = c.prepareStatement("SELECT * FROM batch WHERE id = ?");
            this.failImage = c.prepareStatement(updateImagesSql(false, true, 2));
            this.embedding = c.prepareStatement(INSERT_EMBEDDING);
            this.result = c.prepareStatement(INSERT_RESULT);
            this.scoreImage = c.prepareStatement(updateImagesSql(false, true, 3));
            this.failMissing = c.prepareStatement("UPDATE scan_image SET state = ?, error = ?, worker_id = ?"
                    + " WHERE batch_id = ? AND state = ?");
            this.finishBatch = c.prepareStatement("UPDATE batch SET state = ?, worker_id = ?, completed_at = ?"
                    + " WHERE id = ?");
        }

        RecordSummary record(ResultMessage message) throws SQLException {
            String batchId = message.batchId();
            findBatch.setString(1, batchId);
            Optional<BatchInfo> found;
            try (ResultSet rs = findBatch.executeQuery()) {
                found = rs.next() ? Optional.of(batchRow(rs)) : Optional.empty();
            }
            if (found.isEmpty()) {
                return new RecordSummary(batchId, RecordSummary.Status.UNKNOWN_BATCH, 0, 0,
                        message.results().size(), 0, "batch " + batchId + " is not in the store; result ignored");
            }
            BatchInfo batch = found.get();
            ScanInfo scan = scans.get(batch.scanId());
            if (scan == null) {
                scan = scan(c, batch.scanId()).orElseThrow();
                scans.put(scan.id(), scan);
            }
            if (!scan.modelId().equals(message.modelId()) || !scan.promptHash().equals(message.promptHash())) {
                return new RecordSummary(batchId, RecordSummary.Status.MISMATCH, 0, 0, message.results().size(), 0,
                        "worker " + message.workerId() + " scored batch " + batchId + " with model "
                                + message.modelId() + " / prompt set " + message.promptHash() + ", but scan "
                                + scan.id() + " uses " + scan.modelId() + " / " + scan.promptHash()
                                + "; result ignored");
            }
            // Failures first, then successes: a content reported both ways ends up scored, as when a later
            // success follows a failure.
            int failures = 0;
            int successes = 0;
            for (ImageResult r : message.results()) {
                if (r.failed()) {
                    bindUpdateImages(failImage, scan.id(), r.id(), ImageState.FAILED, r.error(), null,
                            message.workerId(), ImageState.STAGED, ImageState.DISPATCHED);
                    failImage.addBatch();
                    failures++;
                } else {
                    bindEmbedding(embedding, r.id(), scan.modelId(), r.embedding(), message.workerId(), now);
                    embedding.addBatch();
                    bindResult(result, r.id(), scan, r.scores(), message.workerId(), now);
                    result.addBatch();
                    bindUpdateImages(scoreImage, scan.id(), r.id(), ImageState.SCORED, null, null,
                            message.workerId(), ImageState.STAGED, ImageState.DISPATCHED, ImageState.FAILED);
                    scoreImage.addBatch();
                    successes++;
                }
            }
            int failed = failures == 0 ? 0 : moved(failImage.executeBatch());
            int scored = 0;
            if (successes > 0) {
                embedding.executeBatch();
                result.executeBatch();
                scored = moved(scoreImage.executeBatch());
            }
            int duplicates = message.results().size() - failed - scored;
            failMissing.setString(1, ImageState.FAILED.db());
            failMissing.setString(2, "worker " + message.workerId() + " returned no result for this image in batch "
                    + batchId);
            failMissing.setString(3, message.workerId());
            failMissing.setString(4, batchId);
            failMissing.setString(5, ImageState.DISPATCHED.db());
            int missing = failMissing.executeUpdate();
            boolean open = batch.state() == BatchState.PENDING || batch.state() == BatchState.IN_FLIGHT;
            if (open) {
                finishBatch.setString(1, BatchState.DONE.db());
                finishBatch.setString(2, message.workerId());
                finishBatch.setLong(3, now);
                finishBatch.setString(4, batchId);
                finishBatch.executeUpdate();
            }
            return new RecordSummary(batchId, open ? RecordSummary.Status.RECORDED : RecordSummary.Status.LATE,
                    scored, failed, duplicates, missing, "");
        }

        /** Entries of a JDBC batch of image updates that moved at least one row. */
        private int moved(int[] counts) {
            int n = 0;
            for (int count : counts) {
                n += count != 0 ? 1 : 0;
            }
            return n;
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement ps : List.of(findBatch, failImage, embedding, result, scoreImage, failMissing,
                    finishBatch)) {
                ps.close();
            }
        }
    }

    private static final String INSERT_RESULT = "INSERT INTO result (sha256, model_id, prompt_hash, scores,"
            + " worker_id, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

    private static final String INSERT_EMBEDDING = "INSERT INTO embedding (sha256, model_id, dim, vector,"
            + " worker_id, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

    private void insertResult(Connection c, String sha, ScanInfo scan, Map<String, Double> scores, String workerId,
            long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_RESULT)) {
            bindResult(ps, sha, scan, scores, workerId, now);
            ps.executeUpdate();
        }
    }

    private void bindResult(PreparedStatement ps, String sha, ScanInfo scan, Map<String, Double> scores,
            String workerId, long now) throws SQLException {
        ps.setString(1, sha);
        ps.setString(2, scan.modelId());
        ps.setString(3, scan.promptHash());
        ps.setString(4, json.writeValueAsString(scores));
        ps.setString(5, workerId);
        ps.setLong(6, now);
    }

    private static void bindEmbedding(PreparedStatement ps, String sha, String modelId, float[] embedding,
            String workerId, long now) throws SQLException {
        ps.setString(1, sha);
        ps.setString(2, modelId);
        ps.setInt(3, embedding.length);
        ps.setBytes(4, EmbeddingBytes.toBytes(embedding));
        ps.setString(5, workerId);
        ps.setLong(6, now);
    }

    /** Moves the scan's rows with this content from one of {@code from} to {@code to}; returns rows moved. */
    private static int updateImages(Connection c, String scanId, String sha, ImageState to, String error,
            String batchId, String workerId, ImageState... from) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(updateImagesSql(batchId != null, workerId != null,
                from.length))) {
            bindUpdateImages(ps, scanId, sha, to, error, batchId, workerId, from);
            return ps.executeUpdate();
        }
    }

    /** The statement of {@link #updateImages}, for {@link #bindUpdateImages}. */
    private static String updateImagesSql(boolean setsBatch, boolean setsWorker, int fromStates) {
        return "UPDATE scan_image SET state = ?, error = ?"
                + (setsBatch ? ", batch_id = ?" : "")
                + (setsWorker ? ", worker_id = ?" : "")
                + " WHERE scan_id = ? AND sha256 = ? AND state IN ("
                + String.join(", ", Collections.nCopies(fromStates, "?")) + ")";
    }

    private static void bindUpdateImages(PreparedStatement ps, String scanId, String sha, ImageState to,
            String error, String batchId, String workerId, ImageState... from) throws SQLException {
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

    /**
     * When the first of the scan's answered (done) batches was dispatched (or created, if never marked), empty when
     * none is answered yet. An aggregate: nothing per batch is held in memory.
     */
    public Optional<Instant> firstAnsweredDispatch(String scanId) {
        return read("reading the first answered batch of " + scanId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT MIN(COALESCE(dispatched_at, created_at))"
                    + " FROM batch WHERE scan_id = ? AND state = ?")) {
                ps.setString(1, scanId);
                ps.setString(2, BatchState.DONE.db());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long millis = rs.getLong(1);
                    return rs.wasNull() ? Optional.<Instant>empty() : Optional.of(Instant.ofEpochMilli(millis));
                }
            }
        });
    }

    /**
     * Images of the scan's answered batches completed between {@code from} and {@code to} (both inclusive), in
     * total and per answering worker: the recent throughput, as an aggregate.
     */
    public AnsweredImages answeredImages(String scanId, Instant from, Instant to) {
        return read("counting recently answered images of " + scanId, c -> {
            long total = 0;
            Map<String, Long> byWorker = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT worker_id, SUM(image_count) FROM batch"
                    + " WHERE scan_id = ? AND state = ? AND completed_at >= ? AND completed_at <= ?"
                    + " GROUP BY worker_id")) {
                ps.setString(1, scanId);
                ps.setString(2, BatchState.DONE.db());
                ps.setLong(3, from.toEpochMilli());
                ps.setLong(4, to.toEpochMilli());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long images = rs.getLong(2);
                        total += images;
                        if (rs.getString(1) != null) {
                            byWorker.put(rs.getString(1), images);
                        }
                    }
                }
            }
            return new AnsweredImages(total, byWorker);
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

    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface RowHandler {
        void row(ResultSet rs) throws SQLException;
    }

    /**
     * Runs {@code work} in a write transaction. On PostgreSQL a transaction the server aborted as a deadlock victim
     * (or for a serialization failure) is run again, up to {@value #TRANSACTION_ATTEMPTS} times in all: the scan
     * loop and the result recorder write concurrently, and their row locks can cross. {@code work} must therefore
     * have no effect outside the connection.
     */
    private <T> T inTransaction(String what, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return transaction(work);
            } catch (SQLException e) {
                if (attempt < TRANSACTION_ATTEMPTS && retryable(e)) {
                    pauseBeforeRetry(attempt);
                    continue;
                }
                throw new StoreException(what + " failed: " + oneLine(e), e);
            }
        }
    }

    private <T> T transaction(Work<T> work) throws SQLException {
        try (Connection c = writeSource.getConnection()) {
            c.setAutoCommit(false);
            T result;
            try {
                result = work.run(c);
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                c.setAutoCommit(true);
                throw e;
            }
            if (dialect == Dialect.POSTGRESQL) {
                c.commit();
            }
            // Commits on SQLite. Its driver's commit() would open the next transaction at once (COMMIT, then BEGIN
            // IMMEDIATE: the write lock taken again only to be let go by an empty commit here).
            c.setAutoCommit(true);
            return result;
        }
    }

    /** A deadlock victim or serialization failure (PostgreSQL's SQL states 40P01 and 40001), anywhere in the chain. */
    static boolean retryable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException next = sql; next != null; next = next.getNextException()) {
                    String state = next.getSQLState();
                    if ("40P01".equals(state) || "40001".equals(state)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void pauseBeforeRetry(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L * attempt + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code work} on a pooled connection (package-private for the store's tests). */
    <T> T read(String what, Work<T> work) {
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
