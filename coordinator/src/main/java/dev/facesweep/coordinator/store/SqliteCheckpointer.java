package dev.facesweep.coordinator.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a SQLite store's write-ahead log back into the database on a thread of its own, so that a commit only
 * appends to the log. (SQLite's own automatic checkpoint runs inside the commit that crosses its threshold: the
 * writer, and every transaction queued behind it, waits while megabytes are copied and synced.)
 *
 * <h2>How it works</h2>
 * Every {@code pause} it runs a {@code PASSIVE} checkpoint on its own connection, beside the writer: it copies the
 * frames committed so far and never blocks anyone. The log only starts over from its beginning when a write
 * transaction begins while every frame has been copied, which a busy writer never allows; so once the log holds
 * {@code restartFrames} frames and a pass could copy all of them, the checkpointer takes the store's write
 * connection (all writes of this process wait in Java meanwhile) and copies the few frames appended since, after
 * which the next write transaction starts the log over. A reader in the middle of a long query can keep frames from being copied; the
 * log then grows until it is done, as it would with SQLite's automatic checkpoints.
 *
 * <p>Things to note: a checkpoint failure is logged and tried again on the next pass; committed data never depends
 * on it. The log file keeps the largest size it reached (a few hundred MB during a large scan; cutting it back each
 * time it starts over costs more than a tenth of the throughput); when the store closes, SQLite checkpoints what is
 * left and removes the file as its last connection closes.
 */
final class SqliteCheckpointer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SqliteCheckpointer.class);

    /** Opens the checkpointer's own connection. */
    @FunctionalInterface
    interface ConnectionSource {
        Connection open() throws SQLException;
    }

    private final ConnectionSource own;
    private final DataSource writer;
    private final long restartFrames;
    private final long pauseMillis;
    private final Thread thread;
    private volatile boolean stopping;
    private boolean failing;

    /**
     * @param own opens the checkpointer's connection (SQLite's automatic checkpoint off, a short busy timeout)
     * @param writer the store's write connection (a pool of one), taken to let the log start over
     */
    SqliteCheckpointer(ConnectionSource own, DataSource writer, long restartFrames, long pauseMillis, String name) {
        this.own = own;
        this.writer = writer;
        this.restartFrames = restartFrames;
        this.pauseMillis = pauseMillis;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    SqliteCheckpointer start() {
        thread.start();
        return this;
    }

    private void run() {
        Connection connection = null;
        while (!stopping) {
            try {
                TimeUnit.MILLISECONDS.sleep(pauseMillis);
                if (connection == null) {
                    connection = own.open();
                }
                long[] pass = passive(connection);
                if (pass[0] >= restartFrames && pass[1] == pass[0]) {
                    try (Connection write = writer.getConnection()) {
                        // no write of this process can begin until this is returned: the pass copies the frames
                        // appended meanwhile, and the next write transaction starts the log over
                        passive(connection);
                    }
                }
                failing = false;
            } catch (InterruptedException e) {
                break;
            } catch (SQLException | RuntimeException e) {
                if (!failing) {
                    log.warn("checkpointing the SQLite store failed ({}); trying again", e.getMessage());
                }
                failing = true;
                closeQuietly(connection);
                connection = null;
            }
        }
        closeQuietly(connection);
    }

    /** One {@code PASSIVE} checkpoint; returns {frames in the log, frames copied}. */
    private static long[] passive(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            return rs.next() ? new long[] {rs.getLong(2), rs.getLong(3)} : new long[] {0, 0};
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                log.debug("closing the checkpoint connection: {}", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        stopping = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
