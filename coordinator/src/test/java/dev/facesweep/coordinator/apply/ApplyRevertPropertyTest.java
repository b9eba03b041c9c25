package dev.facesweep.coordinator.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facesweep.coordinator.cli.CliRunner;
import dev.facesweep.coordinator.plan.Overrides;
import dev.facesweep.coordinator.plan.Plan;
import dev.facesweep.coordinator.plan.Thresholds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generated corpora (random face sets of 1..30 images, manifests in several styles with unknown fields, .fsz
 * archives, random scores, spaced and non-ASCII names): apply follows the brief's rules exactly, checked against
 * an oracle written here from the brief; revert gives back a byte-identical tree, archives member for member.
 */
class ApplyRevertPropertyTest {

    private static final double T = 0.7;
    private static final double FRACTION = 0.40;
    private static final int MIN_SURVIVORS = 5;

    /** What the generated corpora exercised, over all seeds (checked once at the end). */
    private static final Map<String, Integer> COVERAGE = new java.util.concurrent.ConcurrentHashMap<>();

    @org.junit.jupiter.api.AfterAll
    static void everyBranchWasExercised() {
        assertThat(COVERAGE).as("generated corpora cover every action, collisions and manifest cases")
                .containsKeys("keep", "prune", "quarantine_masked", "quarantine_thin", "collision",
                        "pruned manifest", "pruned fsz", "suffixed image", "suffixed face set", "no master", "master with run block", "unreadable");
    }

    private static void cover(String what) {
        COVERAGE.merge(what, 1, Integer::sum);
    }

    static Stream<Long> seeds() {
        return LongStream.rangeClosed(1, 16).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    @Timeout(120)
    void applyFollowsTheRulesAndRevertRestoresEveryByte(long seed, @TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("corpus ü " + seed);
        Path state = tmp.resolve("state");
        CorpusGenerator.Corpus corpus = CorpusGenerator.generate(root, seed, 3 + (int) (seed % 9), 30);
        TreeSnapshot before = TreeSnapshot.of(root);
        Plan plan = TestPlans.make(root, corpus.planImages(), Thresholds.defaults(), Overrides.none());
        Path planFile = TestPlans.write(plan, tmp.resolve("plan.json"));

        CliRunner.Result applied = CliRunner.run("apply", planFile.toString(), "--state", state.toString(),
                "--json");
        assertThat(applied.exit()).as(applied.toString()).isZero();
        JsonNode out = TestJson.MAPPER.readTree(applied.outLines().get(applied.outLines().size() - 1));
        String applyId = out.get("apply").asString();

        Map<String, String> oracle = new LinkedHashMap<>();
        corpus.facesets().forEach(f -> oracle.put(f.name(), decide(f)));
        corpus.facesets().forEach(f -> assertThat(plan.faceset(f.name()).action().json())
                .as("plan decision for %s", f.name()).isEqualTo(oracle.get(f.name())));
        record(corpus, oracle);

        TreeSnapshot after = TreeSnapshot.of(root);
        checkTree(corpus, oracle, before, after, applyId);

        CliRunner.Result reverted = CliRunner.run("revert", applyId, "--state", state.toString());
        assertThat(reverted.exit()).as(reverted.toString()).isZero();
        assertThat(TreeSnapshot.of(root).entries()).isEqualTo(before.entries());

        CliRunner.Result history = CliRunner.run("history", "--state", state.toString(), "--json");
        assertThat(history.outLines()).hasSize(2);
        assertThat(history.outLines().get(0)).contains("\"kind\":\"apply\"").contains("\"state\":\"applied\"");
        assertThat(history.outLines().get(1)).contains("\"kind\":\"revert\"").contains("\"state\":\"reverted\"");
    }

    private static void record(CorpusGenerator.Corpus corpus, Map<String, String> oracle) {
        oracle.values().forEach(ApplyRevertPropertyTest::cover);
        if (!corpus.collisions().isEmpty()) {
            cover("collision");
        }
        for (CorpusGenerator.Faceset f : corpus.facesets()) {
            if (oracle.get(f.name()).equals("prune")) {
                if (f.manifest() != null) {
                    cover("pruned manifest");
                }
                if (f.fsz() != null) {
                    cover("pruned fsz");
                }
            }
            if (f.images().stream().anyMatch(CorpusGenerator.Image::unreadable)) {
                cover("unreadable");
            }
        }
        if (corpus.master() == null) {
            cover("no master");
        } else if (corpus.master().has("occlusion_filter_run")) {
            cover("master with run block");
        }
    }

    // ---------------------------------------------------------------- the oracle (brief, "Decisions")

    private static boolean flagged(CorpusGenerator.Image image) {
        return !image.unreadable() && image.scores().values().stream().anyMatch(p -> p >= T);
    }

    static String decide(CorpusGenerator.Faceset f) {
        long scored = f.images().stream().filter(i -> !i.unreadable()).count();
        long flagged = f.images().stream().filter(ApplyRevertPropertyTest::flagged).count();
        if (flagged == 0) {
            return "keep";
        }
        if ((double) flagged / scored >= FRACTION) {
            return "quarantine_masked";
        }
        if (scored - flagged < MIN_SURVIVORS) {
            return "quarantine_thin";
        }
        return "prune";
    }

    private static String withSuffix(String name, int n) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? name + "-" + n : name.substring(0, dot) + "-" + n + name.substring(dot);
    }

    /** The first free name under {@code dir} in the before-tree (and not taken by this apply). */
    private static String target(String dir, String name, Map<String, String> tree, Set<String> taken) {
        for (int n = 0; ; n++) {
            String candidate = dir + "/" + (n == 0 ? name : withSuffix(name, n));
            if (!tree.containsKey(candidate) && !tree.containsKey(candidate + "/") && taken.add(candidate)) {
                if (n > 0) {
                    cover(dir.endsWith("_dropped") ? "suffixed image" : "suffixed face set");
                }
                return candidate;
            }
        }
    }

    private static void checkTree(CorpusGenerator.Corpus corpus, Map<String, String> oracle, TreeSnapshot before,
            TreeSnapshot after, String applyId) throws Exception {
        Map<String, String> expected = new TreeMap<>(before.entries());
        Set<String> unpredictable = new HashSet<>();
        Set<String> taken = new HashSet<>();
        List<String> masked = new ArrayList<>();
        List<String> thin = new ArrayList<>();
        List<CorpusGenerator.Faceset> byName = new ArrayList<>(corpus.facesets());
        byName.sort(java.util.Comparator.comparing(CorpusGenerator.Faceset::name));
        for (CorpusGenerator.Faceset f : byName) { // the plan lists face sets by name
            String action = oracle.get(f.name());
            switch (action) {
                case "keep" -> {
                }
                case "quarantine_masked", "quarantine_thin" -> {
                    String folder = action.equals("quarantine_masked") ? "_masked" : "_thin";
                    (action.equals("quarantine_masked") ? masked : thin).add(f.name());
                    String to = target(folder, f.name(), before.entries(), taken);
                    expected.put(folder + "/", "dir");
                    expected.put(to + "/", "dir");
                    for (Map.Entry<String, String> e : before.entries().entrySet()) {
                        if (e.getKey().startsWith(f.name() + "/")) {
                            expected.remove(e.getKey());
                            expected.put(to + e.getKey().substring(f.name().length()), e.getValue());
                        }
                    }
                    expected.remove(f.name() + "/");
                }
                case "prune" -> prune(f, before, expected, unpredictable, taken);
                default -> throw new IllegalStateException(action);
            }
        }
        boolean changes = oracle.values().stream().anyMatch(a -> !a.equals("keep"));
        if (changes) {
            expected.put("manifest.json", "?");
            unpredictable.add("manifest.json");
            checkMaster(corpus, after, applyId, masked, thin);
        }
        assertThat(after.entries().keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, String> e : expected.entrySet()) {
            if (!unpredictable.contains(e.getKey())) {
                assertThat(after.entries().get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    private static void prune(CorpusGenerator.Faceset f, TreeSnapshot before, Map<String, String> expected,
            Set<String> unpredictable, Set<String> taken) {
        Set<String> dropped = new HashSet<>();
        for (CorpusGenerator.Image image : f.images()) {
            if (!flagged(image)) {
                continue;
            }
            dropped.add(image.name());
            String dropDir = f.imageDir() + "/_dropped";
            String to = target(dropDir, image.name(), before.entries(), taken);
            expected.put(dropDir + "/", "dir");
            expected.put(to, expected.remove(image.rel()));
        }
        if (f.fsz() != null) {
            unpredictable.add(f.fsz());
            String prefix = f.fsz() + "!";
            List<String> kept = new ArrayList<>();
            for (Map.Entry<String, String> e : before.entries().entrySet()) {
                if (e.getKey().startsWith(prefix)) {
                    expected.remove(e.getKey());
                    String member = e.getKey().substring(prefix.length() + 5);
                    String base = member.substring(member.lastIndexOf('/') + 1);
                    if (!dropped.contains(base)) {
                        kept.add(member + "=" + e.getValue());
                    }
                }
            }
            for (int i = 0; i < kept.size(); i++) {
                String[] kv = kept.get(i).split("=", 2);
                expected.put(String.format("%s%04d:%s", prefix, i, kv[0]), kv[1]);
            }
        }
        if (f.manifest() != null) {
            ObjectNode m = (ObjectNode) f.manifest().deepCopy();
            ArrayNode faces = (ArrayNode) m.get("faces");
            ArrayNode keep = TestJson.MAPPER.createArrayNode();
            for (int i = 0; i < faces.size(); i++) {
                String names = f.entryImage().get(i);
                if (names == null || !dropped.contains(names)) {
                    keep.add(faces.get(i));
                }
            }
            m.set("faces", keep);
            expected.put(f.name() + "/manifest.json", TreeSnapshot.sha(TestJson.write(m, f.manifestStyle())
                    .getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static void checkMaster(CorpusGenerator.Corpus corpus, TreeSnapshot after, String applyId,
            List<String> masked, List<String> thin) throws Exception {
        String text = Files.readString(corpus.root().resolve("manifest.json"));
        JsonNode now = TestJson.MAPPER.readTree(text);
        JsonNode was = corpus.master();
        if (was != null) {
            assertThat(text).as("master manifest keeps its style").isEqualTo(TestJson.write(now,
                    corpus.masterStyle()));
            List<String> oldKeys = new ArrayList<>(was.propertyNames());
            List<String> newKeys = new ArrayList<>(now.propertyNames());
            assertThat(newKeys.subList(0, oldKeys.size())).as("original keys first, in order")
                    .isEqualTo(oldKeys);
            for (String key : oldKeys) {
                if (!Set.of("masked", "thin", "occlusion_filter_run").contains(key)) {
                    assertThat(now.get(key)).as(key).isEqualTo(was.get(key));
                }
            }
            if (was.has("occlusion_filter_run")) {
                ArrayNode history = (ArrayNode) now.get("occlusion_filter_run_history");
                assertThat(history.get(history.size() - 1)).isEqualTo(was.get("occlusion_filter_run"));
            }
        }
        assertThat(names(now.get("masked"), was == null ? null : was.get("masked"))).isEqualTo(masked);
        assertThat(names(now.get("thin"), was == null ? null : was.get("thin"))).isEqualTo(thin);
        JsonNode run = now.get("occlusion_filter_run");
        assertThat(run.get("apply").asString()).isEqualTo(applyId);
        assertThat(run.get("model").asString()).isEqualTo("test-model");
        assertThat(run.get("prompt_set_hash").asString()).isEqualTo("test-prompt-hash");
        assertThat(run.get("thresholds").get("image").asDouble()).isEqualTo(T);
        assertThat(run.get("counts").get("quarantine_masked").asInt()).isEqualTo(masked.size());
        assertThat(run.get("counts").get("quarantine_thin").asInt()).isEqualTo(thin.size());
    }

    /** Names of the entries appended after the original ones. */
    private static List<String> names(JsonNode now, JsonNode was) {
        List<String> names = new ArrayList<>();
        if (now == null) {
            return names;
        }
        int skip = was == null ? 0 : was.size();
        Iterator<JsonNode> it = now.values().iterator();
        for (int i = 0; it.hasNext(); i++) {
            JsonNode e = it.next();
            if (i >= skip) {
                names.add(e.get("name").asString());
            } else {
                assertThat(e).isEqualTo(was.get(i));
            }
        }
        return names;
    }

    static String keys(Map<String, String> m) {
        return m.keySet().stream().collect(Collectors.joining("\n"));
    }
}
