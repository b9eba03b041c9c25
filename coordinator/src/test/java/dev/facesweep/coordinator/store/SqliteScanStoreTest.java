package dev.facesweep.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteScanStoreTest extends ScanStoreContract {

    @TempDir
    Path stateDir;

    @Override
    protected ScanStore openEmptyStore() {
        return ScanStore.sqlite(stateDir, clock);
    }

    @Override
    protected ScanStore reopen() {
        return ScanStore.sqlite(stateDir, clock);
    }

    @Override
    protected void rejectEmbeddingInserts(String sha256) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + stateDir.resolve(ScanStore.SQLITE_FILE));
                Statement s = c.createStatement()) {
            s.execute("CREATE TRIGGER reject_embedding BEFORE INSERT ON embedding WHEN NEW.sha256 = '" + sha256
                    + "' BEGIN SELECT RAISE(ABORT, 'embedding rejected by the test'); END");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void databaseLivesInTheStateFolderInWalModeAndSurvivesReopening() throws Exception {
        String scan = stagedScan(2);
        store.close();

        store = ScanStore.sqlite(stateDir, clock);

        assertThat(stateDir.resolve("facesweep.db")).isRegularFile();
        assertThat(Files.exists(stateDir.resolve("facesweep.db-wal"))).isTrue();
        assertThat(store.counts(scan).staged()).isEqualTo(2);
    }

    @Test
    void jdbcUrlOpensSqliteToo() {
        String scan = stagedScan(1);
        store.close();

        store = ScanStore.jdbc("jdbc:sqlite:" + stateDir.resolve("facesweep.db"), null, null, clock);

        assertThat(store.counts(scan).total()).isEqualTo(1);
    }

    /**
     * Staging 200,000 images streams: the store never takes more than one chunk from the iterator ahead of what it
     * has committed, so memory does not grow with the corpus.
     */
    @Test
    void staging200kImagesStreamsInChunks() {
        String scan = newScan();
        int total = 200_000;
        long[] maxAhead = {0};
        long[] committedCalls = {0};
        SyntheticImages images = new SyntheticImages(total);

        StageSummary summary = store.stage(scan, images, staged -> {
            committedCalls[0]++;
            maxAhead[0] = Math.max(maxAhead[0], images.taken - staged);
            assertThat(store.counts(scan).total()).as("rows committed so far").isEqualTo(staged);
        });

        assertThat(summary).isEqualTo(new StageSummary(total, 0, 0));
        assertThat(committedCalls[0]).isEqualTo(total / ScanStore.STAGE_CHUNK);
        assertThat(maxAhead[0]).isZero();
        assertThat(store.counts(scan).staged()).isEqualTo(total);
        ClaimedBatch first = store.claimBatch(scan, 16).orElseThrow();
        assertThat(first.images().get(0).relativePath()).isEqualTo("set_0000/faces/000000.png");
    }

    /** Makes staged rows on demand; nothing is kept. */
    private static final class SyntheticImages implements Iterator<StagedImage> {
        private final int total;
        long taken;

        SyntheticImages(int total) {
            this.total = total;
        }

        @Override
        public boolean hasNext() {
            return taken < total;
        }

        @Override
        public StagedImage next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            long n = taken++;
            String faceset = String.format("set_%04d", n / 1000);
            return StagedImage.hashed(faceset + String.format("/faces/%06d.png", n), faceset,
                    String.format("%064x", n), 400_000, 1_700_000_000_000L);
        }
    }
}
