package dev.facesweep.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scan store contract against a real PostgreSQL (localhost:5432, user postgres, trust auth, database
 * {@code test}; override with {@code -Dfacesweep.test.postgres=jdbc:postgresql://...}). Each run works in a fresh
 * schema that is dropped afterwards. An unreachable server fails the test, with the command that starts it.
 */
class PostgresScanStoreIT extends ScanStoreContract {

    private static final String BASE_URL =
            System.getProperty("facesweep.test.postgres", "jdbc:postgresql://localhost:5432/test");
    private static final String USER = "postgres";
    private static final String SCHEMA = "facesweep_it_" + Long.toHexString(System.nanoTime());

    private static boolean schemaCreated;

    @BeforeAll
    static void createSchema() {
        try (Connection c = DriverManager.getConnection(BASE_URL, USER, null); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + SCHEMA);
            schemaCreated = true;
        } catch (SQLException e) {
            fail("PostgreSQL is not reachable at " + BASE_URL + " as " + USER + " (" + e.getMessage()
                    + "); start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
                    + " (and createdb -U postgres test if the database is missing)");
        }
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        if (!schemaCreated) {
            return;
        }
        try (Connection c = DriverManager.getConnection(BASE_URL, USER, null); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    @Override
    protected ScanStore openEmptyStore() {
        ScanStore opened = ScanStore.jdbc(BASE_URL + "?currentSchema=" + SCHEMA, USER, null, clock);
        try (Connection c = DriverManager.getConnection(BASE_URL + "?currentSchema=" + SCHEMA, USER, null);
                Statement s = c.createStatement()) {
            s.execute("DROP TRIGGER IF EXISTS reject_embedding ON embedding");
            s.execute("TRUNCATE scan_image, batch, result, embedding, scan");
        } catch (SQLException e) {
            opened.close();
            throw new IllegalStateException("cannot empty the test schema " + SCHEMA + ": " + e.getMessage(), e);
        }
        return opened;
    }

    @Test
    void everyConnectionPlansEachExecutionWithItsOwnValues() {
        // several connections at once, so that more than the first one of the pool is looked at
        try (ScanStore store = reopen()) {
            List<String> modes = IntStream.range(0, 4).parallel()
                    .mapToObj(i -> store.read("reading plan_cache_mode", c -> {
                        try (Statement s = c.createStatement();
                                ResultSet rs = s.executeQuery("SHOW plan_cache_mode")) {
                            rs.next();
                            return rs.getString(1);
                        }
                    }))
                    .toList();
            assertThat(modes).containsOnly("force_custom_plan");
        }
    }

    @Test
    void imageUpdatesOfALargeScanGoThroughTheSha256Index() {
        // 20,000 staged images, none claimed yet: the updates by (scan, sha256, state) that claims and results make
        // must find their row through the sha256 index, not by reading every staged row of the scan
        String scan = stagedScan(20_000);
        String plan = store.read("explaining a claim update", c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("EXPLAIN UPDATE scan_image SET state = 'dispatched', error = NULL,"
                            + " batch_id = 'b' WHERE scan_id = '" + scan + "' AND sha256 = '" + sha(14_321)
                            + "' AND state IN ('staged')")) {
                StringBuilder text = new StringBuilder();
                while (rs.next()) {
                    text.append(rs.getString(1)).append('\n');
                }
                return text.toString();
            }
        });
        assertThat(plan).contains("scan_image_sha").doesNotContain("scan_image_state_seq");
    }

    @Override
    protected ScanStore reopen() {
        return ScanStore.jdbc(BASE_URL + "?currentSchema=" + SCHEMA, USER, null, clock);
    }

    @Override
    protected void rejectEmbeddingInserts(String sha256) {
        try (Connection c = DriverManager.getConnection(BASE_URL + "?currentSchema=" + SCHEMA, USER, null);
                Statement s = c.createStatement()) {
            s.execute("CREATE OR REPLACE FUNCTION reject_embedding() RETURNS trigger AS $$ BEGIN"
                    + " IF NEW.sha256 = '" + sha256 + "' THEN RAISE EXCEPTION 'embedding rejected by the test';"
                    + " END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
            s.execute("CREATE TRIGGER reject_embedding BEFORE INSERT ON embedding FOR EACH ROW"
                    + " EXECUTE FUNCTION reject_embedding()");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
