package dev.facesweep.coordinator.modelpull;

import dev.facesweep.model.ModelCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.facesweep.coordinator.modelpull.ModelPullException.Reason;

/**
 * Downloads an Immich-format CLIP bundle {@code NAME} from a Hugging Face-compatible hub into
 * {@code <cache>/<NAME>/}.
 *
 * <p>Only the files the bundle needs are fetched (config.json, visual/model.onnx, visual/preprocess_cfg.json,
 * textual/model.onnx and the textual tokenizer files); other variants in the repository are skipped. Each file is
 * written to {@code <file>.part}, checked against the size (and, for Git LFS files, the SHA-256) of the hub's
 * listing, then renamed into place. A {@code .part} left by a broken download is continued with an HTTP Range
 * request; a server that answers the whole file instead restarts it. Complete files are not fetched again.
 * Network failures and server errors are retried {@link PullConfig#attempts()} times per file.
 */
public final class ModelPuller {

    private static final int BUFFER_BYTES = 1 << 16;
    private static final int MAX_LISTING_BYTES = 32 << 20;
    private static final int MAX_LISTING_PAGES = 100;
    private static final String PART_SUFFIX = ".part";
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");

    private final PullConfig config;
    private final ModelCache cache;
    private final HubClient hub;

    public ModelPuller(PullConfig config, ModelCache cache) {
        this(config, cache, HubClient.newHttpClient(config));
    }

    /** With a caller's HttpClient; it must not follow redirects itself if the token is to stay on the hub. */
    public ModelPuller(PullConfig config, ModelCache cache, HttpClient http) {
        this.config = Objects.requireNonNull(config, "config");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.hub = new HubClient(http, config);
    }

    /**
     * Makes {@code <cache>/<name>/} hold the complete bundle, downloading what is missing.
     *
     * @throws ModelPullException with a one-line message; {@link ModelPullException#resumable()} tells whether
     *                            running the same pull again continues where this one stopped
     */
    public PullResult pull(String name, PullListener listener) throws ModelPullException {
        Objects.requireNonNull(listener, "listener");
        try {
            ModelCache.checkName(name);
        } catch (IllegalArgumentException e) {
            throw new ModelPullException(Reason.NOT_FOUND, e.getMessage());
        }
        List<RemoteFile> files = HubTree.bundleFiles(listing(name), config.repository(name));
        Path dir = cache.bundleDir(name);
        Tally tally = new Tally(files, dir);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "facesweep-pull-watchdog");
            t.setDaemon(true);
            return t;
        });
        try {
            for (RemoteFile file : files) {
                fetch(name, file, dir, tally, listener, timer);
            }
        } finally {
            timer.shutdownNow();
        }
        return new PullResult(name, dir, files.stream().map(RemoteFile::path).toList(), tally.transferred,
                tally.alreadyComplete);
    }

    private List<RemoteFile> listing(String name) throws ModelPullException {
        List<RemoteFile> files = new ArrayList<>();
        Optional<URI> page = Optional.of(config.treeUri(name));
        for (int pages = 0; page.isPresent(); pages++) {
            if (pages == MAX_LISTING_PAGES) {
                throw new ModelPullException(Reason.BAD_RESPONSE, "the listing of " + config.repositoryUri(name)
                        + " has more than " + MAX_LISTING_PAGES + " pages: check the hub URL (" + PullConfig.ENDPOINT_ENV
                        + ")");
            }
            URI uri = page.get();
            for (int attempt = 1; ; attempt++) {
                try {
                    page = listingPage(name, uri, files);
                    break;
                } catch (IOException e) {
                    if (attempt >= config.attempts()) {
                        throw new ModelPullException(Reason.NETWORK, "cannot list " + config.repositoryUri(name)
                                + " (" + describe(e) + "): check the network or the hub URL, then re-run the same"
                                + " command", e);
                    }
                    pause(attempt, name);
                }
            }
        }
        return files;
    }

    /** Adds one page of the listing to {@code files}; IOException means worth retrying. */
    private Optional<URI> listingPage(String name, URI uri, List<RemoteFile> files)
            throws IOException, ModelPullException {
        HttpResponse<InputStream> response = send(uri, Map.of("Accept", "application/json"), name);
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status == 200) {
                byte[] json = body.readNBytes(MAX_LISTING_BYTES + 1);
                if (json.length > MAX_LISTING_BYTES) {
                    throw new ModelPullException(Reason.BAD_RESPONSE, "the listing at " + uri + " is larger than "
                            + (MAX_LISTING_BYTES >> 20) + " MiB: check the hub URL (" + PullConfig.ENDPOINT_ENV + ")");
                }
                files.addAll(HubTree.parse(json, uri.toString()));
                return HubClient.nextPage(uri, response);
            }
            boolean repoNotFound = response.headers().firstValue("X-Error-Code")
                    .filter("RepoNotFound"::equalsIgnoreCase).isPresent();
            boolean anonymous = config.token().isEmpty();
            if (status == 404 || repoNotFound || (status == 401 && anonymous)) {
                throw new ModelPullException(Reason.NOT_FOUND, "no model " + name + " at " + config.repositoryUri(name)
                        + ": check the name, e.g. ViT-L-14-quickgelu__dfn2b"
                        + (status == 401 ? " (or set " + PullConfig.TOKEN_ENV + " if the repository is private)" : ""));
            }
            if (status == 401 || status == 403) {
                throw accessDenied(config.repositoryUri(name), status, name);
            }
            if (retryable(status)) {
                throw new IOException("HTTP " + status);
            }
            throw new ModelPullException(Reason.BAD_RESPONSE, uri + " answered HTTP " + status
                    + ": check the hub URL (" + PullConfig.ENDPOINT_ENV + ")");
        }
    }

    private void fetch(String name, RemoteFile file, Path dir, Tally tally, PullListener listener,
                       ScheduledExecutorService timer) throws ModelPullException {
        Path target = dir.resolve(file.path());
        Path part = target.resolveSibling(target.getFileName() + PART_SUFFIX);
        if (isComplete(target, file)) {
            listener.onProgress(tally.progress(file, file.size()));
            return;
        }
        try {
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            throw localFailure(target.getParent(), e);
        }
        URI uri = config.fileUri(name, file.path());
        for (int attempt = 1; ; attempt++) {
            try {
                download(name, uri, file, part, tally, listener, timer);
                break;
            } catch (IOException e) {
                if (attempt >= config.attempts()) {
                    throw new ModelPullException(Reason.NETWORK, "download of " + file.path() + " from " + uri
                            + " stopped at " + partSize(part) + " of " + file.size() + " bytes (" + describe(e)
                            + "): re-run the same command to resume", e);
                }
                pause(attempt, name);
            }
        }
        verify(uri, file, part, tally);
        moveIntoPlace(part, target);
        listener.onProgress(tally.progress(file, file.size()));
    }

    /** Brings {@code part} to the listed size; IOException means worth retrying (the part keeps what arrived). */
    private void download(String name, URI uri, RemoteFile file, Path part, Tally tally, PullListener listener,
                          ScheduledExecutorService timer) throws IOException, ModelPullException {
        long offset = partSize(part);
        if (offset > file.size()) {
            deletePart(part); // not counted as present by Tally
            offset = 0;
        }
        listener.onProgress(tally.progress(file, offset));
        if (offset == file.size()) {
            return;
        }
        Map<String, String> headers = offset > 0 ? Map.of("Range", "bytes=" + offset + "-") : Map.of();
        HttpResponse<InputStream> response = send(uri, headers, name);
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            boolean append;
            if (status == 206) {
                long start = rangeStart(response);
                if (start != offset) {
                    restart(part, tally, offset);
                    throw new IOException("the server resumed at byte " + start + " instead of " + offset
                            + "; the file restarts from the beginning");
                }
                append = true;
            } else if (status == 200) {
                append = false; // no Range sent, or the server ignored it: the whole file follows
            } else if (status == 416) {
                restart(part, tally, offset);
                throw new IOException("the server cannot resume at byte " + offset
                        + "; the file restarts from the beginning");
            } else {
                throw fileStatusFailure(status, uri, file, name);
            }
            if (!append) {
                tally.done -= offset;
                offset = 0;
            }
            copy(body, part, append, offset, file, tally, listener, timer, uri);
        }
    }

    private void copy(InputStream body, Path part, boolean append, long offset, RemoteFile file, Tally tally,
                      PullListener listener, ScheduledExecutorService timer, URI uri)
            throws IOException, ModelPullException {
        long fileDone = offset;
        StallWatchdog watchdog = new StallWatchdog(timer, config.idleTimeout(), body);
        OutputStream out;
        try {
            out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            watchdog.close();
            throw localFailure(part, e);
        }
        try (watchdog; out) {
            byte[] buffer = new byte[BUFFER_BYTES];
            int n;
            while ((n = body.read(buffer)) != -1) {
                watchdog.touch();
                if (fileDone + n > file.size()) {
                    out.close();
                    deletePart(part);
                    tally.done -= fileDone;
                    throw new ModelPullException(Reason.INTEGRITY, uri + " sent more than the " + file.size()
                            + " bytes the listing gives for " + file.path() + ": the partial file was discarded;"
                            + " re-run the same command to download it again");
                }
                try {
                    out.write(buffer, 0, n);
                } catch (IOException e) {
                    if (watchdog.fired()) {
                        throw e; // the watchdog's interrupt closed the file channel: a stall, not a disk problem
                    }
                    throw localFailure(part, e);
                }
                fileDone += n;
                tally.done += n;
                tally.transferred += n;
                listener.onProgress(tally.progress(file, fileDone));
            }
        } catch (IOException e) {
            if (watchdog.fired()) {
                throw new IOException("no data for " + config.idleTimeout().toMillis() + " ms", e);
            }
            throw e;
        }
        if (fileDone != file.size()) {
            throw new IOException("the connection ended after " + fileDone + " of " + file.size() + " bytes");
        }
    }

    private void verify(URI uri, RemoteFile file, Path part, Tally tally) throws ModelPullException {
        try {
            long size = Files.size(part);
            String sha256 = file.sha256() == null ? null : sha256(part);
            if (size == file.size() && (sha256 == null || sha256.equals(file.sha256()))) {
                try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                return;
            }
            deletePart(part);
            tally.done -= size;
            String what = size != file.size() ? size + " bytes instead of " + file.size()
                    : "SHA-256 " + sha256 + " instead of " + file.sha256();
            throw new ModelPullException(Reason.INTEGRITY, file.path() + " from " + uri + " has " + what
                    + ": the download was discarded; re-run the same command to download it again");
        } catch (IOException e) {
            throw localFailure(part, e);
        }
    }

    private HttpResponse<InputStream> send(URI uri, Map<String, String> headers, String name)
            throws IOException, ModelPullException {
        try {
            return hub.get(uri, headers);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(name);
        }
    }

    private void pause(int attempt, String name) throws ModelPullException {
        try {
            Thread.sleep(config.retryDelay().multipliedBy(attempt).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(name);
        }
    }

    private ModelPullException fileStatusFailure(int status, URI uri, RemoteFile file, String name) throws IOException {
        if (retryable(status)) {
            throw new IOException("HTTP " + status);
        }
        if (status == 401 || status == 403) {
            return accessDenied(uri, status, name);
        }
        return new ModelPullException(Reason.BAD_RESPONSE, uri + " answered HTTP " + status + " for " + file.path()
                + ", which the listing names: re-run the same command; if it persists the repository is changing"
                + " or the hub URL (" + PullConfig.ENDPOINT_ENV + ") is wrong");
    }

    private ModelPullException accessDenied(URI uri, int status, String name) {
        String hint = config.token().isPresent()
                ? "check that " + PullConfig.TOKEN_ENV + " grants access to " + config.repository(name)
                : "set " + PullConfig.TOKEN_ENV + " if the repository is private or gated";
        return new ModelPullException(Reason.ACCESS_DENIED, "the hub denied access to " + uri + " (HTTP " + status
                + "): " + hint);
    }

    private static ModelPullException interrupted(String name) {
        return new ModelPullException(Reason.NETWORK, "the pull of " + name
                + " was interrupted: re-run the same command to resume");
    }

    private static ModelPullException localFailure(Path path, IOException e) {
        return new ModelPullException(Reason.LOCAL_IO, "cannot write " + path + " (" + describe(e)
                + "): check free space and permissions of the model cache (" + ModelCache.ENV_VAR + ")", e);
    }

    private static boolean retryable(int status) {
        return status >= 500 || status == 408 || status == 429;
    }

    private static boolean isComplete(Path target, RemoteFile file) throws ModelPullException {
        try {
            return Files.isRegularFile(target) && Files.size(target) == file.size();
        } catch (IOException e) {
            throw localFailure(target, e);
        }
    }

    private static long rangeStart(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Range")
                .map(CONTENT_RANGE::matcher)
                .filter(Matcher::matches)
                .map(m -> Long.parseLong(m.group(1)))
                .orElse(-1L);
    }

    private static void restart(Path part, Tally tally, long offset) throws ModelPullException {
        deletePart(part);
        tally.done -= offset;
    }

    private static long partSize(Path part) {
        try {
            return Files.isRegularFile(part) ? Files.size(part) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void deletePart(Path part) throws ModelPullException {
        try {
            Files.deleteIfExists(part);
        } catch (IOException e) {
            throw localFailure(part, e);
        }
    }

    private static void moveIntoPlace(Path part, Path target) throws ModelPullException {
        try {
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw localFailure(target, e);
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** One line: what went wrong (some network exceptions carry their message only in the cause). */
    private static String describe(Throwable e) {
        Throwable t = e;
        while ((t.getMessage() == null || t.getMessage().isBlank()) && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? "" : t.getMessage().replaceAll("\\s+", " ").trim();
        if (t.getClass() == IOException.class && !message.isEmpty()) {
            return message;
        }
        return message.isEmpty() ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + message;
    }

    /** Byte counts of one pull. */
    private static final class Tally {
        final long total;
        final long alreadyPresent;
        final int alreadyComplete;
        long done;
        long transferred;

        Tally(List<RemoteFile> files, Path dir) throws ModelPullException {
            long sum = 0;
            long present = 0;
            int complete = 0;
            for (RemoteFile file : files) {
                sum += file.size();
                Path target = dir.resolve(file.path());
                if (isComplete(target, file)) {
                    present += file.size();
                    complete++;
                } else {
                    long part = partSize(target.resolveSibling(target.getFileName() + PART_SUFFIX));
                    present += part <= file.size() ? part : 0;
                }
            }
            this.total = sum;
            this.alreadyPresent = present;
            this.alreadyComplete = complete;
            this.done = present;
        }

        PullProgress progress(RemoteFile file, long fileDone) {
            return new PullProgress(file.path(), fileDone, file.size(), done, total, alreadyPresent);
        }
    }
}
