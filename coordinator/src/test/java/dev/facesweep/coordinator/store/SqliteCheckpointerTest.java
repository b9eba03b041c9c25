package dev.facesweep.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The background checkpointer against a real SQLite file with automatic checkpoints off: without it the
 * write-ahead log only grows; with it the log starts over (the checkpoint sequence number in its header goes up)
 * and the rows reach the database file.
 */
class SqliteCheckpointerTest {

    @TempDir
    Path dir;

    @Test
    void theLogStartsOverWhileAWriterKeepsCommittingAndTheRowsReachTheDatabaseFile() throws Exception {
        Path db = dir.resolve("test.db");
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(100);
        SQLiteDataSource sqlite = new SQLiteDataSource(config);
        sqlite.setUrl("jdbc:sqlite:" + db);
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(sqlite);
        pool.setMaximumPoolSize(1);
        pool.setConnectionInitSql("PRAGMA wal_autocheckpoint = 0");
        try (HikariDataSource writer = new HikariDataSource(pool)) {
            try (Connection c = writer.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, data BLOB NOT NULL)");
            }
            int rows = 0;
            int sequence = checkpointSequence(db.resolveSibling("test.db-wal"));
            for (; rows < 100; rows++) {
                insert(writer, rows);
            }
            assertThat(checkpointSequence(db.resolveSibling("test.db-wal")))
                    .as("without the checkpointer the log never starts over").isEqualTo(sequence);
            long databaseBytes = Files.size(db);

            int[] written = {rows};
            try (SqliteCheckpointer checkpointer = new SqliteCheckpointer(sqlite::getConnection, writer, 20, 5,
                    "test-checkpoint").start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    insert(writer, written[0]++);
                    return checkpointSequence(db.resolveSibling("test.db-wal")) > sequence;
                });
            }

            assertThat(Files.size(db)).as("pages copied into the database file").isGreaterThan(databaseBytes);
            try (Connection c = writer.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(written[0]);
            }
        }
    }

    private static void insert(HikariDataSource writer, int id) throws SQLException {
        try (Connection c = writer.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO t (id, data) VALUES (?, ?)")) {
            ps.setInt(1, id);
            ps.setBytes(2, new byte[3000]);
            ps.executeUpdate();
        }
    }

    /** The checkpoint sequence number of a WAL file's header (big-endian at offset 12); it grows at each restart. */
    private static int checkpointSequence(Path wal) throws IOException {
        try (InputStream in = Files.newInputStream(wal)) {
            byte[] header = in.readNBytes(32);
            return ByteBuffer.wrap(header, 12, 4).getInt();
        }
    }
}
