package dev.facesweep.coordinator.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.facesweep.coordinator.cli.Environment;
import dev.facesweep.coordinator.cli.ExitCode;
import dev.facesweep.model.ModelCache;
import dev.facesweep.testing.Fixtures;
import dev.facesweep.testing.Fp16Bundles;
import dev.facesweep.testing.ScoringReference;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The whole embedded pipeline through the command line, with the real tiny CLIP model: scan, scores, re-scan,
 * rescore. Scores are checked against open_clip's reference values (reference.json).
 */
@Timeout(300)
class EmbeddedScanIT {

    private static final ScoringReference REF = ScoringReference.load();

    @TempDir
    Path tmp;

    @Test
    void scanScoresRescanAndRescore() throws Exception {
        Path root = TestCorpus.create(tmp.resolve("corpus"));
        String model = Fixtures.clipTinyModel().toString();
        String prompts = ScoringReference.promptsFile().toString();
        String state = root.resolve(".facesweep").toString();

        // 1. A first scan with the default prompt set.
        Cli first = Cli.run("scan", root.toString(), "--model", model, "--batch-size", "4", "--json");
        assertThat(first.exitCode()).as(first.toString()).isEqualTo(ExitCode.SOME_FAILED);
        JsonNode summary = first.lastJson();
        assertThat(summary.propertyNames()).containsExactly("scan", "images", "scored", "reused", "failed",
                "parked", "failures");
        assertThat(summary.get("images").asLong()).isEqualTo(TestCorpus.images());
        assertThat(summary.get("scored").asLong()).isEqualTo(TestCorpus.GOOD.size());
        assertThat(summary.get("reused").asLong()).isZero();
        assertThat(summary.get("failed").asLong()).isEqualTo(TestCorpus.BAD.size());
        assertThat(summary.get("parked").asLong()).isZero();
        Map<String, String> failures = new HashMap<>();
        summary.get("failures").forEach(f -> failures.put(f.get("image").asString(), f.get("error").asString()));
        assertThat(failures).containsOnlyKeys(TestCorpus.BAD);
        assertThat(failures.get(TestCorpus.EMPTY)).contains("0 bytes");
        assertThat(failures.values()).allSatisfy(error -> assertThat(error).isNotBlank().doesNotContain("\n"));
        assertThat(first.err()).contains("readme.txt").doesNotContain("_masked");
        String firstScan = summary.get("scan").asString();

        // 2. scores --json: one line per image in the documented shape.
        Cli scores = Cli.run("scores", "latest", "--state", state, "--json");
        assertThat(scores.exitCode()).as(scores.toString()).isZero();
        List<JsonNode> lines = scores.jsonLines();
        assertThat(lines).hasSize(TestCorpus.images());
        for (JsonNode line : lines) {
            assertThat(line.propertyNames()).containsExactly("faceset", "image", "sha256", "scores", "error");
            String image = line.get("image").asString();
            assertThat(image).startsWith(line.get("faceset").asString() + "/faces/").doesNotContain("\\");
            if (TestCorpus.BAD.contains(image)) {
                assertThat(line.get("error").asString()).isNotBlank();
                assertThat(line.get("scores").isEmpty()).isTrue();
            } else {
                assertThat(line.get("error").isNull()).as(image).isTrue();
                assertThat(line.get("sha256").asString()).hasSize(64);
                assertThat(line.get("scores").propertyNames()).containsExactly("sunglasses", "mask");
            }
        }

        // 3. Scanning again reuses every stored result.
        Cli again = Cli.run("scan", root.toString(), "--model", model, "--json");
        JsonNode second = again.lastJson();
        assertThat(second.get("scan").asString()).isNotEqualTo(firstScan);
        assertThat(second.get("scored").asLong()).as(again.toString()).isZero();
        assertThat(second.get("reused").asLong()).isEqualTo(TestCorpus.GOOD.size());
        assertThat(second.get("failed").asLong()).isEqualTo(TestCorpus.BAD.size());

        // 4. rescore with the reference prompt set: a new prompt hash, scores from the stored embeddings only. No
        //    --model: the scan's model is found among the pulled ones (a copy of the fixture bundle next to another
        //    model), as the CLI contract has it.
        Path cache = tmp.resolve("model-cache");
        Path other = Fp16Bundles.copyClipTinyModel(cache.resolve("a-other-model"));
        java.nio.file.Files.writeString(other.resolve("config.json"), java.nio.file.Files.readString(
                other.resolve("config.json")).replace("\"tiny-public\"", "\"tiny-other\""));
        Fp16Bundles.copyClipTinyModel(cache.resolve("b-scan-model"));
        Cli rescore;
        Environment.use(Map.of(ModelCache.ENV_VAR, cache.toString()));
        try {
            rescore = Cli.run("rescore", "latest", "--prompts", prompts, "--state", state, "--json");
        } finally {
            Environment.use(null);
        }
        assertThat(rescore.exitCode()).as(rescore.toString()).isZero();
        JsonNode rescored = rescore.lastJson();
        assertThat(rescored.get("from").asString()).isEqualTo(second.get("scan").asString());
        assertThat(rescored.get("rescored").asLong()).isEqualTo(TestCorpus.GOOD.size());
        assertThat(rescored.get("failed").asLong()).isEqualTo(TestCorpus.BAD.size());
        assertThat(rescored.get("pending").asLong()).isZero();
        Cli statusOld = Cli.run("status", firstScan, "--state", state, "--json");
        Cli statusNew = Cli.run("status", "--state", state, "--json");
        assertThat(statusNew.lastJson().get("scan").asString()).isEqualTo(rescored.get("scan").asString());
        assertThat(statusNew.lastJson().get("promptHash").asString())
                .isNotEqualTo(statusOld.lastJson().get("promptHash").asString());

        // The rescored values are open_clip's.
        Cli reference = Cli.run("scores", rescored.get("scan").asString(), "--state", state, "--json");
        int compared = 0;
        for (JsonNode line : reference.jsonLines()) {
            String image = line.get("image").asString();
            String fixture = fixtureOf(image);
            if (fixture == null) {
                continue;
            }
            Map<String, Double> expected = REF.imageScores(fixture);
            for (Map.Entry<String, Double> e : expected.entrySet()) {
                assertThat(line.get("scores").get(e.getKey()).asDouble()).as(image + " " + e.getKey())
                        .isCloseTo(e.getValue(), within(REF.probabilityTolerance()));
            }
            compared++;
        }
        assertThat(compared).isEqualTo(TestCorpus.GOOD.size());

        // 5. A scan with the reference prompts now needs no scoring at all.
        Cli third = Cli.run("scan", root.toString(), "--model", model, "--prompts", prompts, "--json");
        assertThat(third.lastJson().get("scored").asLong()).as(third.toString()).isZero();
        assertThat(third.lastJson().get("reused").asLong()).isEqualTo(TestCorpus.GOOD.size());
    }

    /**
     * The same commands with the store in PostgreSQL (localhost:5432, user postgres, database test, a fresh
     * schema; override with -Dfacesweep.test.postgres=jdbc:postgresql://...); an unreachable server fails the test.
     */
    @Test
    void theStoreCanBePostgresql() throws Exception {
        String base = System.getProperty("facesweep.test.postgres", "jdbc:postgresql://localhost:5432/test");
        String schema = "facesweep_cli_" + Long.toHexString(System.nanoTime());
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(base, "postgres", null);
                java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        } catch (java.sql.SQLException e) {
            org.assertj.core.api.Assertions.fail("PostgreSQL is not reachable at " + base + " (" + e.getMessage()
                    + "); start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
        }
        try {
            Path root = TestCorpus.create(tmp.resolve("corpus"));
            String url = base + "?currentSchema=" + schema + "&user=postgres";
            Cli scan = Cli.run("scan", root.toString(), "--model", Fixtures.clipTinyModel().toString(), "--store",
                    url, "--json");
            assertThat(scan.lastJson().get("scored").asLong()).as(scan.toString()).isEqualTo(TestCorpus.GOOD.size());
            assertThat(root.resolve(".facesweep/facesweep.db")).doesNotExist();
            Cli scores = Cli.run("scores", "latest", "--store", url, "--json");
            assertThat(scores.jsonLines()).hasSize(TestCorpus.images());
            Cli status = Cli.run("status", scan.lastJson().get("scan").asString(), "--store", url, "--json");
            assertThat(status.lastJson().get("state").asString()).isEqualTo("finished");
        } finally {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(base, "postgres", null);
                    java.sql.Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    @Test
    void badRootUnreachableBrokerAndMissingModelAreOneLineUsageErrors() throws Exception {
        Cli badRoot = Cli.run("scan", tmp.resolve("nowhere").toString(), "--model",
                Fixtures.clipTinyModel().toString(), "--json");
        assertThat(badRoot.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(badRoot.err().lines().toList()).hasSize(1);
        assertThat(badRoot.err()).contains("nowhere").contains("not a folder");

        Path root = java.nio.file.Files.createDirectories(tmp.resolve("corpus"));
        Cli noBroker = Cli.run("scan", root.toString(), "--model",
                Fixtures.clipTinyModel().toString(), "--broker", "amqp://guest:secret@127.0.0.1:1/", "--json");
        assertThat(noBroker.exitCode()).as(noBroker.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(noBroker.err().lines().toList()).hasSize(1);
        assertThat(noBroker.err()).contains("cannot connect to the broker at amqp://guest:***@127.0.0.1:1/")
                .doesNotContain("secret");

        // no --model, no FACESWEEP_MODEL and nothing pulled into the model cache
        Environment.use(Map.of(ModelCache.ENV_VAR, tmp.resolve("empty-model-cache").toString()));
        try {
            Cli noModel = Cli.run("scan", root.toString(), "--json");
            assertThat(noModel.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(noModel.err().lines().toList()).hasSize(1);
            assertThat(noModel.err()).contains("--model DIR").contains("FACESWEEP_MODEL")
                    .contains("model pull").contains("tools/export_openclip.py");

            // exactly one pulled model: it is the one used
            Fp16Bundles.copyClipTinyModel(tmp.resolve("empty-model-cache/tiny"));
            Cli pulled = Cli.run("scan", root.toString(), "--json");
            assertThat(pulled.exitCode()).as(pulled.toString()).isEqualTo(ExitCode.OK);
        } finally {
            Environment.use(null);
        }
    }

    private static String fixtureOf(String image) {
        return TestCorpus.GOOD.stream().filter(g -> g[0].equals(image)).map(g -> g[1]).findFirst().orElse(null);
    }
}
