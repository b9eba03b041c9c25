package dev.facesweep.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facesweep.coordinator.store.ScanInfo;
import dev.facesweep.coordinator.store.ScanStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The one place every command that reads scans resolves {@code --store} (and the state folder with it). */
class StoreOptionsTest {

    @TempDir
    Path tmp;

    @Test
    void aStoreUrlLetsTheWorkingFolderBeTheStateFolderEvenBeforeItExists() {
        Path here = Path.of("").toAbsolutePath().resolve(StateOptions.DEFAULT_NAME);
        assertThat(parse("--store", "jdbc:postgresql://db/fs").stateDir(Map.of(), null)).isEqualTo(here);
        assertThat(parse("--state", tmp.toString()).stateDir(Map.of(), null)).isEqualTo(tmp);
    }

    @Test
    void storeUrlIsOptionThenEnvironmentAndMustBeJdbc() {
        assertThat(parse().storeUrl(Map.of())).isNull();
        assertThat(parse().storeUrl(Map.of(Environment.STORE_URL, "jdbc:postgresql://db/fs")))
                .isEqualTo("jdbc:postgresql://db/fs");
        assertThat(parse("--store", "jdbc:sqlite:/x.db").storeUrl(Map.of(Environment.STORE_URL, "jdbc:other")))
                .isEqualTo("jdbc:sqlite:/x.db");
        assertThatThrownBy(() -> parse("--store", "postgres://db/fs").storeUrl(Map.of()))
                .isInstanceOf(UsageError.class).hasMessageContaining("'postgres://db/fs' is not a JDBC URL");
        assertThatThrownBy(() -> parse().storeUrl(Map.of(Environment.STORE_URL, "db")))
                .isInstanceOf(UsageError.class).hasMessageContaining("'db' is not a JDBC URL");
    }

    @Test
    void openExistingRefusesAStateFolderWithoutScansAndCreatesNothing() {
        Path empty = tmp.resolve("empty");
        assertThatThrownBy(() -> parse().openExisting(Map.of(), empty, Clock.systemUTC()))
                .isInstanceOf(UsageError.class).hasMessageContaining("no scans in " + empty)
                .hasMessageContaining("--state");
        assertThat(empty).doesNotExist();
    }

    @Test
    void openedStoresAreTheSameWhetherNamedByFolderOrUrl() {
        Path state = tmp.resolve("state");
        String id;
        try (ScanStore store = parse().open(Map.of(), state, Clock.systemUTC())) {
            id = store.createScan("/corpus", "model", "prompts", "{}").id();
        }
        String url = "jdbc:sqlite:" + state.resolve(ScanStore.SQLITE_FILE);
        try (ScanStore byFolder = parse().openExisting(Map.of(), state, Clock.systemUTC());
                ScanStore byUrl = parse().openExisting(Map.of(Environment.STORE_URL, url), tmp.resolve("elsewhere"),
                        Clock.systemUTC())) {
            assertThat(StoreOptions.find(byFolder, "latest", state).id()).isEqualTo(id);
            assertThat(StoreOptions.find(byUrl, id, state).id()).isEqualTo(id);
            assertThat(StoreOptions.find(byUrl, null, state)).extracting(ScanInfo::id).isEqualTo(id);
            assertThatThrownBy(() -> StoreOptions.find(byFolder, "20990101-000000-abcdef", state))
                    .isInstanceOf(UsageError.class).hasMessageContaining("no scan '20990101-000000-abcdef' in");
        }
    }

    @Test
    void latestOfAnEmptyStoreSaysToScanFirst() {
        Path state = tmp.resolve("state");
        try (ScanStore store = parse().open(Map.of(), state, Clock.systemUTC())) {
            assertThatThrownBy(() -> StoreOptions.find(store, "latest", state)).isInstanceOf(UsageError.class)
                    .hasMessageContaining("run facesweep scan ROOT first");
        }
    }

    private static StoreOptions parse(String... args) {
        StoreOptions options = new StoreOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }
}
