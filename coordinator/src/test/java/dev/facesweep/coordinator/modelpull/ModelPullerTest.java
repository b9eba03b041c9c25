package dev.facesweep.coordinator.modelpull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.facesweep.model.ModelCache;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.facesweep.coordinator.modelpull.ModelPullException.Reason;
import dev.facesweep.testing.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModelPullerTest {

    private static final String NAME = "Tiny-CLIP__fixture";
    private static final String REPO = "immich-app/" + NAME;
    private static final String TEXT_MODEL = "textual/model.onnx";
    private static final String VISUAL_MODEL = "visual/model.onnx";
    /** The fixture bundle: what a pull must reproduce byte for byte. */
    private static final List<String> BUNDLE = List.of("config.json", "visual/preprocess_cfg.json",
            "textual/bpe_simple_vocab_16e6.txt.gz", TEXT_MODEL, VISUAL_MODEL);
    /** Repository files a pull must leave alone. */
    private static final List<String> OTHER_VARIANTS = List.of(".gitattributes", "README.md",
            "visual/fp16/model.onnx", "textual/fp16/model.armnn", "visual/rknpu/rk3588/model.rknn");

    @TempDir
    Path cacheRoot;

    private FakeHub hub;
    private final List<PullProgress> events = new ArrayList<>();

    @BeforeEach
    void startHub() throws IOException {
        hub = new FakeHub();
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String path : OTHER_VARIANTS) {
            files.put(path, ("not part of the bundle: " + path).getBytes(StandardCharsets.UTF_8));
        }
        for (String path : BUNDLE) {
            files.put(path, Files.readAllBytes(fixture(path)));
        }
        hub.addRepo(REPO, files);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void fullPullReproducesTheBundleAndSkipsOtherVariants() throws Exception {
        PullResult result = puller(config(1)).pull(NAME, events::add);

        Path dir = cacheRoot.resolve(NAME);
        assertThat(result.bundleDir()).isEqualTo(dir);
        assertThat(result.files()).containsExactlyInAnyOrderElementsOf(BUNDLE);
        assertByteIdentical(dir);
        assertThat(filesUnder(dir)).containsExactlyInAnyOrderElementsOf(BUNDLE);
        assertThat(hub.requests).noneMatch(r -> OTHER_VARIANTS.stream().anyMatch(r.path()::endsWith));
        assertThat(hub.requestsFor("/tree/main")).singleElement()
                .satisfies(r -> assertThat(r.query()).isEqualTo("recursive=true"));

        long total = fixtureBytes();
        assertThat(result.bytesTransferred()).isEqualTo(total);
        assertThat(result.filesAlreadyPresent()).isZero();
        PullProgress last = events.get(events.size() - 1);
        assertThat(last.done()).isEqualTo(total);
        assertThat(last.total()).isEqualTo(total);
        assertThat(last.alreadyPresent()).isZero();
        assertThat(events).allSatisfy(p -> assertThat(p.fileDone()).isBetween(0L, p.fileTotal()));
        assertThat(events.stream().mapToLong(PullProgress::done)).isSorted();
    }

    @Test
    void secondPullFetchesNothing() throws Exception {
        ModelPuller puller = puller(config(1));
        puller.pull(NAME, PullListener.NONE);
        int before = hub.requests.size();

        PullResult again = puller.pull(NAME, events::add);

        assertThat(again.bytesTransferred()).isZero();
        assertThat(again.filesAlreadyPresent()).isEqualTo(BUNDLE.size());
        assertThat(hub.requests.subList(before, hub.requests.size()))
                .allSatisfy(r -> assertThat(r.path()).endsWith("/tree/main"));
        assertThat(events.get(events.size() - 1).alreadyPresent()).isEqualTo(fixtureBytes());
        assertByteIdentical(cacheRoot.resolve(NAME));
    }

    @Test
    void droppedConnectionIsResumedWithARangeRequest() throws Exception {
        long half = Files.size(fixture(TEXT_MODEL)) / 2;
        CountDownLatch halfReceived = new CountDownLatch(1);
        hub.dropOnce(TEXT_MODEL, half, halfReceived);

        puller(config(2)).pull(NAME, p -> {
            events.add(p);
            if (p.file().equals(TEXT_MODEL) && p.fileDone() == half) {
                halfReceived.countDown();
            }
        });

        assertByteIdentical(cacheRoot.resolve(NAME));
        List<FakeHub.Request> textRequests = hub.requestsFor(TEXT_MODEL);
        assertThat(textRequests).hasSize(2);
        assertThat(textRequests.get(0).range()).isNull();
        assertThat(textRequests.get(1).range()).isEqualTo("bytes=" + half + "-");
        assertThat(textRequests.get(1).status()).isEqualTo(206);
        assertThat(filesUnder(cacheRoot.resolve(NAME))).noneMatch(p -> p.endsWith(".part"));
    }

    @Test
    void aBrokenPullStopsWithAResumableErrorAndTheNextPullResumesIt() throws Exception {
        long half = Files.size(fixture(TEXT_MODEL)) / 2;
        CountDownLatch halfReceived = new CountDownLatch(1);
        hub.dropOnce(TEXT_MODEL, half, halfReceived);
        PullListener releaseAtHalf = p -> {
            if (p.file().equals(TEXT_MODEL) && p.fileDone() == half) {
                halfReceived.countDown();
            }
        };

        ModelPullException failure = catchThrowableOfType(
                () -> puller(config(1)).pull(NAME, releaseAtHalf), ModelPullException.class);

        assertThat(failure.reason()).isEqualTo(Reason.NETWORK);
        assertThat(failure.resumable()).isTrue();
        assertThat(failure.getMessage())
                .contains(TEXT_MODEL, hub.url() + "/" + REPO + "/resolve/main/" + TEXT_MODEL, "re-run")
                .doesNotContain("\n");
        Path dir = cacheRoot.resolve(NAME);
        assertThat(dir.resolve(TEXT_MODEL + ".part")).hasSize(half);
        assertThat(dir.resolve(TEXT_MODEL)).doesNotExist();

        puller(config(1)).pull(NAME, events::add);

        assertByteIdentical(dir);
        List<FakeHub.Request> textRequests = hub.requestsFor(TEXT_MODEL);
        assertThat(textRequests.get(textRequests.size() - 1).range()).isEqualTo("bytes=" + half + "-");
        long presentBefore = Files.size(fixture("config.json")) + Files.size(fixture("visual/preprocess_cfg.json"))
                + Files.size(fixture("textual/bpe_simple_vocab_16e6.txt.gz")) + half;
        assertThat(events.get(0).alreadyPresent()).isEqualTo(presentBefore);
    }

    @Test
    void serverIgnoringRangeRestartsTheFileAndEndsCorrect() throws Exception {
        long half = Files.size(fixture(TEXT_MODEL)) / 2;
        Path part = cacheRoot.resolve(NAME).resolve(TEXT_MODEL + ".part");
        Files.createDirectories(part.getParent());
        byte[] junk = new byte[(int) half];
        Arrays.fill(junk, (byte) 0x5A);
        Files.write(part, junk);
        hub.ignoreRange = true;

        puller(config(1)).pull(NAME, events::add);

        assertByteIdentical(cacheRoot.resolve(NAME));
        FakeHub.Request request = hub.requestsFor(TEXT_MODEL).get(0);
        assertThat(request.range()).isEqualTo("bytes=" + half + "-");
        assertThat(request.status()).isEqualTo(200);
        assertThat(events.get(events.size() - 1).done()).isEqualTo(fixtureBytes());
    }

    @Test
    void droppedConnectionThenServerIgnoringRangeStillEndsCorrect() throws Exception {
        long half = Files.size(fixture(VISUAL_MODEL)) / 2;
        CountDownLatch halfReceived = new CountDownLatch(1);
        hub.dropOnce(VISUAL_MODEL, half, halfReceived);
        hub.ignoreRange = true;

        puller(config(2)).pull(NAME, p -> {
            if (p.file().equals(VISUAL_MODEL) && p.fileDone() == half) {
                halfReceived.countDown();
            }
        });

        assertByteIdentical(cacheRoot.resolve(NAME));
        List<FakeHub.Request> visualRequests = hub.requestsFor(VISUAL_MODEL);
        assertThat(visualRequests).extracting(FakeHub.Request::range).containsExactly(null, "bytes=" + half + "-");
        assertThat(visualRequests).extracting(FakeHub.Request::status).containsExactly(200, 200);
    }

    @Test
    void silentConnectionIsAbandonedAfterTheIdleLimitAndResumed() throws Exception {
        long part = Files.size(fixture(VISUAL_MODEL)) / 3;
        hub.stallOnce(VISUAL_MODEL, part);
        PullConfig config = config(3).withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(1));
        long start = System.nanoTime();

        puller(config).pull(NAME, PullListener.NONE);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("far below the server's 20 s stall")
                .isLessThan(Duration.ofSeconds(10));
        assertByteIdentical(cacheRoot.resolve(NAME));
        List<FakeHub.Request> visualRequests = hub.requestsFor(VISUAL_MODEL);
        assertThat(visualRequests.get(0).range()).isNull();
        assertThat(visualRequests.get(visualRequests.size() - 1).range()).isEqualTo("bytes=" + part + "-");
    }

    @Test
    void unknownNameGivesOneLineWithTheUrl() {
        assertThatThrownBy(() -> puller(config(1)).pull("No-Such-Model", PullListener.NONE))
                .isInstanceOfSatisfying(ModelPullException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND))
                .hasMessage("no model No-Such-Model at " + hub.url() + "/immich-app/No-Such-Model: check the name, e.g."
                        + " ViT-L-14-quickgelu__dfn2b");
        assertThat(cacheRoot.resolve("No-Such-Model")).doesNotExist();
    }

    @Test
    void malformedNameIsRejectedBeforeAnyRequest() {
        assertThatThrownBy(() -> puller(config(1)).pull("../etc", PullListener.NONE))
                .isInstanceOf(ModelPullException.class)
                .hasMessageContaining("invalid model name '../etc'");
        assertThat(hub.requests).isEmpty();
    }

    @Test
    void unreachableHubNamesTheUrlAndSaysToRerun() {
        PullConfig config = config(1);
        String repoUrl = hub.url() + "/" + REPO;
        hub.close();

        assertThatThrownBy(() -> puller(config).pull(NAME, PullListener.NONE))
                .isInstanceOfSatisfying(ModelPullException.class, e -> assertThat(e.resumable()).isTrue())
                .hasMessageStartingWith("cannot list " + repoUrl + " (")
                .hasMessageEndingWith("re-run the same command");
    }

    @Test
    void checksumMismatchDiscardsTheDownload() {
        hub.lieAboutSha256(TEXT_MODEL, "ab".repeat(32));

        assertThatThrownBy(() -> puller(config(1)).pull(NAME, PullListener.NONE))
                .isInstanceOfSatisfying(ModelPullException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INTEGRITY))
                .hasMessageContaining(TEXT_MODEL)
                .hasMessageContaining("ab".repeat(32));
        Path dir = cacheRoot.resolve(NAME);
        assertThat(dir.resolve(TEXT_MODEL)).doesNotExist();
        assertThat(dir.resolve(TEXT_MODEL + ".part")).doesNotExist();
    }

    @Test
    void unwritableCacheIsALocalErrorNamingThePath() throws IOException {
        Files.writeString(cacheRoot.resolve(NAME), "a file where the bundle folder should be");

        assertThatThrownBy(() -> puller(config(1)).pull(NAME, PullListener.NONE))
                .isInstanceOfSatisfying(ModelPullException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.LOCAL_IO);
                    assertThat(e.resumable()).isFalse();
                })
                .hasMessageStartingWith("cannot write " + cacheRoot.resolve(NAME))
                .hasMessageContaining("FACESWEEP_MODEL_CACHE");
    }

    @Test
    void repositoryWithoutAVisualModelIsNotABundle() throws IOException {
        hub.addRepo("immich-app/Text-Only", Map.of(
                "config.json", Files.readAllBytes(fixture("config.json")),
                "textual/model.onnx", new byte[] {1, 2, 3},
                "textual/tokenizer.json", "{}".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> puller(config(1)).pull("Text-Only", PullListener.NONE))
                .isInstanceOfSatisfying(ModelPullException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_A_BUNDLE))
                .hasMessageContaining("immich-app/Text-Only has no visual/model.onnx");
    }

    @Test
    void tokenGoesToTheHubOnlyAndNeverIntoTheRedirectTarget() throws Exception {
        hub.redirectDownloads = true;
        PullConfig config = config(1).withToken("hf_not_a_real_token");

        puller(config).pull(NAME, PullListener.NONE);

        assertByteIdentical(cacheRoot.resolve(NAME));
        assertThat(hub.requestsFor("/tree/main")).extracting(FakeHub.Request::authorization)
                .containsOnly("Bearer hf_not_a_real_token");
        List<FakeHub.Request> resolves = hub.requests.stream().filter(r -> r.path().contains("/resolve/main/")
                && !r.path().startsWith("/cdn/")).toList();
        List<FakeHub.Request> storage = hub.requests.stream().filter(r -> r.path().startsWith("/cdn/")).toList();
        assertThat(resolves).hasSize(BUNDLE.size()).allSatisfy(r -> assertThat(r.status()).isEqualTo(302));
        assertThat(resolves).extracting(FakeHub.Request::authorization).containsOnly("Bearer hf_not_a_real_token");
        assertThat(storage).hasSize(BUNDLE.size()).extracting(FakeHub.Request::authorization).containsOnlyNulls();
        assertThat(config.toString()).doesNotContain("hf_not_a_real_token");
    }

    private ModelPuller puller(PullConfig config) {
        return new ModelPuller(config, new ModelCache(cacheRoot));
    }

    private PullConfig config(int attempts) {
        return PullConfig.defaults()
                .withHubUrl(hub.url())
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10))
                .withRetries(attempts, Duration.ZERO);
    }

    private static Path fixture(String path) {
        return Fixtures.clipTinyModel().resolve(path);
    }

    private static long fixtureBytes() throws IOException {
        long total = 0;
        for (String path : BUNDLE) {
            total += Files.size(fixture(path));
        }
        return total;
    }

    private static void assertByteIdentical(Path dir) throws IOException {
        for (String path : BUNDLE) {
            assertThat(Files.mismatch(fixture(path), dir.resolve(path))).as(path).isEqualTo(-1L);
        }
    }

    private static Set<String> filesUnder(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toSet());
        }
    }
}
