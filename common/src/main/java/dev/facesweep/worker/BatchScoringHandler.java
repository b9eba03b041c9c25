package dev.facesweep.worker;

import dev.facesweep.corpus.ContentHash;
import dev.facesweep.imaging.DecodeLimits;
import dev.facesweep.imaging.ImageException;
import dev.facesweep.imaging.ImagePreprocessor;
import dev.facesweep.model.BundleException;
import dev.facesweep.model.ClipModel;
import dev.facesweep.model.ModelRole;
import dev.facesweep.protocol.BatchImage;
import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.ImageResult;
import dev.facesweep.protocol.ResultMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's {@link BatchHandler}: turns a {@link BatchMessage} into a {@link ResultMessage} of L2-normalised
 * image embeddings (no scores: the coordinator scores embeddings against its prompt set). Only the image model
 * is used.
 *
 * <p>Per image: the inline {@code data} when present, otherwise the file read through the {@link PathPolicy};
 * the bytes' sha256 must equal the image id (staging hashed them; a mismatch means the file changed since); then
 * open_clip preprocessing. Any of these failing gives that image an {@link ImageResult#failed error} and the rest
 * of the batch is still scored. Reading and preprocessing run one task per image on a small decode pool; the model
 * then runs the readable images in its own batch size (a fixed-batch session pads the last run).
 *
 * <p>A batch for another model throws {@link WrongModelException}; a model failure throws
 * {@link dev.facesweep.model.InferenceException}. Either fails the batch as a whole.
 *
 * <h2>Pipelining</h2>
 * {@link #handle} is {@link #prepare} followed by {@link #infer}. The two phases are independent: a transport
 * may prepare batch N+1 on one thread while batch N is in {@link #infer} on another (the model serialises its own
 * runs), so decoding overlaps inference. The RabbitMQ worker does exactly that with prefetch 2.
 *
 * <h2>Timings</h2>
 * {@code decodeMs} and {@code preprocessMs} split the wall time of {@link #prepare} in proportion to the summed
 * per-image time spent reading and hash-checking the bytes versus decoding, resizing and normalising them;
 * {@code inferMs} is the wall time of the model runs.
 *
 * <p>Thread-safe.
 */
public final class BatchScoringHandler implements BatchHandler, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchScoringHandler.class);

    private final ClipModel model;
    private final ImagePreprocessor preprocessor;
    private final PathPolicy paths;
    private final String workerId;
    private final Executor decodeExecutor;
    private final ExecutorService ownedPool;
    private final long maxImageBytes;

    /**
     * @param model the opened model; its visual session is opened here if it is not yet
     * @param preprocessor the bundle's preprocessing (see {@link dev.facesweep.model.ModelBundle#imagePreprocessor})
     * @param paths which files may be read
     * @param workerId put into every result
     * @param decodeExecutor where images are read and preprocessed (one task per image); not shut down by
     *     {@link #close}
     * @param maxImageBytes largest image file read (larger ones are a per-image error)
     * @throws BundleException when the visual session cannot be opened or does not take the preprocessor's size
     */
    public BatchScoringHandler(ClipModel model, ImagePreprocessor preprocessor, PathPolicy paths, String workerId,
            Executor decodeExecutor, long maxImageBytes) throws BundleException {
        this(model, preprocessor, paths, workerId, decodeExecutor, null, maxImageBytes);
    }

    private BatchScoringHandler(ClipModel model, ImagePreprocessor preprocessor, PathPolicy paths, String workerId,
            Executor decodeExecutor, ExecutorService ownedPool, long maxImageBytes) throws BundleException {
        this.model = Objects.requireNonNull(model, "model");
        this.preprocessor = Objects.requireNonNull(preprocessor, "preprocessor");
        this.paths = Objects.requireNonNull(paths, "paths");
        this.workerId = Objects.requireNonNull(workerId, "workerId");
        this.decodeExecutor = Objects.requireNonNull(decodeExecutor, "decodeExecutor");
        this.ownedPool = ownedPool;
        if (maxImageBytes < 1) {
            throw new IllegalArgumentException("largest image size must be positive, was " + maxImageBytes);
        }
        this.maxImageBytes = maxImageBytes;
        int size = model.bundle().config().imageSize();
        if (preprocessor.width() != size || preprocessor.height() != size) {
            throw new BundleException("model bundle " + model.bundle().dir() + ": the preprocessor makes "
                    + preprocessor.width() + "x" + preprocessor.height() + " images but the model takes " + size
                    + "x" + size);
        }
        model.ensureOpen(ModelRole.VISUAL);
    }

    /**
     * A handler with the bundle's own preprocessing, the default decode limits and its own pool of
     * {@code decodeThreads} daemon threads (shut down by {@link #close}).
     *
     * @throws BundleException when the visual session cannot be opened
     */
    public static BatchScoringHandler create(ClipModel model, PathPolicy paths, String workerId, int decodeThreads)
            throws BundleException {
        if (decodeThreads < 1) {
            throw new IllegalArgumentException("decode threads must be at least 1, was " + decodeThreads);
        }
        DecodeLimits limits = DecodeLimits.defaults();
        ExecutorService pool = Executors.newFixedThreadPool(decodeThreads, daemonThreads("facesweep-decode-"));
        try {
            return new BatchScoringHandler(model, model.bundle().imagePreprocessor(limits), paths, workerId, pool,
                    pool, limits.maxEncodedBytes());
        } catch (BundleException | RuntimeException e) {
            pool.shutdownNow();
            throw e;
        }
    }

    @Override
    public String modelId() {
        return model.bundle().modelId();
    }

    public String workerId() {
        return workerId;
    }

    /** Images per model run (the visual session's fixed or chosen batch size). */
    public int modelBatchSize() {
        try {
            return model.batchSize(ModelRole.VISUAL);
        } catch (BundleException e) {
            throw new IllegalStateException(e.getMessage(), e); // opened in the constructor
        }
    }

    public PathPolicy paths() {
        return paths;
    }

    @Override
    public ResultMessage handle(BatchMessage batch) {
        return infer(prepare(batch));
    }

    /**
     * Reads, checks and preprocesses every image of {@code batch} on the decode pool; returns when all are done.
     *
     * @throws WrongModelException when the batch is for another model
     */
    public DecodedBatch prepare(BatchMessage batch) {
        if (!batch.modelId().equals(modelId())) {
            throw new WrongModelException(batch.batchId(), batch.modelId(), modelId());
        }
        List<BatchImage> images = batch.images();
        int tensorSize = preprocessor.tensorSize();
        float[] pixels = new float[Math.multiplyExact(images.size(), tensorSize)];
        String[] errors = new String[images.size()];
        long[] readNanos = new long[images.size()];
        long[] preprocessNanos = new long[images.size()];
        long start = System.nanoTime();
        CompletableFuture<?>[] tasks = new CompletableFuture<?>[images.size()];
        for (int i = 0; i < images.size(); i++) {
            int index = i;
            tasks[i] = CompletableFuture.runAsync(() -> errors[index] = prepareOne(images.get(index), pixels,
                    index * tensorSize, readNanos, preprocessNanos, index), decodeExecutor);
        }
        CompletableFuture.allOf(tasks).join();
        double wallMs = (System.nanoTime() - start) / 1e6;
        long read = sum(readNanos);
        long pre = sum(preprocessNanos);
        double decodeShare = read + pre == 0 ? 0.5 : (double) read / (read + pre);
        return new DecodedBatch(batch, pixels, tensorSize, errors, wallMs * decodeShare, wallMs * (1 - decodeShare));
    }

    /**
     * Embeds the readable images of a prepared batch; unreadable ones keep their error.
     *
     * @throws dev.facesweep.model.InferenceException when a model run fails
     */
    public ResultMessage infer(DecodedBatch decoded) {
        BatchMessage batch = decoded.batch();
        long start = System.nanoTime();
        int readable = decoded.readable();
        float[][] embeddings = readable == 0 ? new float[0][] : model.embedImages(decoded.packedPixels(), readable);
        double inferMs = (System.nanoTime() - start) / 1e6;
        List<ImageResult> results = new ArrayList<>(decoded.size());
        int row = 0;
        for (int i = 0; i < decoded.size(); i++) {
            String id = batch.images().get(i).id();
            String error = decoded.error(i);
            results.add(error != null ? ImageResult.failed(id, error)
                    : ImageResult.scored(id, embeddings[row++], Map.of()));
        }
        return new ResultMessage(batch.scanId(), batch.batchId(), workerId, modelId(), batch.promptHash(), results,
                new ResultMessage.Timings(decoded.decodeMs(), decoded.preprocessMs(), inferMs));
    }

    /** Reads, checks and preprocesses one image into {@code pixels[offset..]}; returns its error, or null. */
    private String prepareOne(BatchImage image, float[] pixels, int offset, long[] readNanos, long[] preprocessNanos,
            int index) {
        long t0 = System.nanoTime();
        byte[] bytes;
        try {
            bytes = image.data() != null ? image.data() : readFile(image.path());
            String actual = ContentHash.sha256(bytes);
            if (!actual.equals(image.id())) {
                return "content changed since staging: " + describe(image) + " now hashes to "
                        + actual.substring(0, 12) + "..., not its id " + image.id().substring(0, 12)
                        + "...; re-scan to stage it again";
            }
        } catch (PathRefusedException e) {
            return e.getMessage();
        } catch (NoSuchFileException e) {
            return "file not found: " + image.path();
        } catch (AccessDeniedException e) {
            return "cannot read " + image.path() + ": permission denied";
        } catch (IOException e) {
            return "cannot read " + image.path() + ": " + oneLine(e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage());
        } catch (RuntimeException e) {
            log.warn("unexpected failure reading {}", describe(image), e);
            return "cannot read " + describe(image) + ": " + oneLine(e.toString());
        } finally {
            readNanos[index] = System.nanoTime() - t0;
        }
        long t1 = System.nanoTime();
        try {
            preprocessor.preprocess(bytes, pixels, offset);
            return null;
        } catch (ImageException e) {
            return oneLine(e.getMessage());
        } catch (RuntimeException e) {
            log.warn("unexpected failure preprocessing {}", describe(image), e);
            return "cannot preprocess: " + oneLine(e.toString());
        } finally {
            preprocessNanos[index] = System.nanoTime() - t1;
        }
    }

    private byte[] readFile(String messagePath) throws PathRefusedException, IOException {
        Path file = paths.resolve(messagePath);
        // the real path has no links left; NOFOLLOW_LINKS refuses a file swapped for a link since
        try (SeekableByteChannel channel = Files.newByteChannel(file,
                Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            long size = channel.size();
            if (size > maxImageBytes) {
                throw new IOException("file is " + size + " bytes, over the limit of " + maxImageBytes
                        + " bytes for one image");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // keep reading
            }
            if (buffer.hasRemaining()) {
                throw new IOException("file shrank while being read");
            }
            return buffer.array();
        }
    }

    private static String describe(BatchImage image) {
        return image.data() != null ? "inline image " + image.id().substring(0, 12) + "..." : image.path();
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += v;
        }
        return s;
    }

    static String oneLine(String text) {
        String s = text == null || text.isBlank() ? "unknown error" : text;
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Shuts down the decode pool if this handler made it; the model stays open (its owner closes it). */
    @Override
    public void close() {
        if (ownedPool != null) {
            ownedPool.shutdownNow();
        }
    }
}
