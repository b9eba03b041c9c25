package dev.facesweep.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import dev.facesweep.corpus.ContentHash;
import dev.facesweep.model.BundleException;
import dev.facesweep.model.ClipModel;
import dev.facesweep.model.CpuSessionConfigurer;
import dev.facesweep.model.ModelBundle;
import dev.facesweep.model.ModelRole;
import dev.facesweep.protocol.BatchImage;
import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.MalformedMessageException;
import dev.facesweep.protocol.MessageCodec;
import dev.facesweep.protocol.ResultMessage;
import dev.facesweep.protocol.Topology;
import dev.facesweep.worker.BatchScoringHandler;
import dev.facesweep.worker.DecodedBatch;
import dev.facesweep.worker.PathPolicy;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The worker's side of the ViT-L-14 benchmark (bench/run-vit-l-14.sh), two modes:
 *
 * <ul>
 *   <li>{@code prepare}: the worker's per-image preparation cost alone, on one thread: {@link BatchScoringHandler}'s
 *       own {@code prepare} (read the file, check its sha256, decode the PNG, resize, crop, normalise) over the
 *       corpus in batches, with a one-thread decode pool, no model runs. After one untimed pass for the JIT, passes
 *       repeat until the window is over.</li>
 *   <li>{@code publish}: feeds a running worker (started with the same queue prefix) one batch message per
 *       {@code --batch} images of the corpus, all at once, and collects every result. The rate counts the images
 *       answered after the first result over the time from the first result to the last, so the worker's start-up
 *       (model loading, the first run's allocations) stays out. With {@code --pid} it also reports the worker's
 *       CPU contention over that window ({@code --threads}: the worker's intra-op threads, to express the
 *       run-queue wait per thread) and its peak resident set. The queues stay (publish again to
 *       measure again).</li>
 *   <li>{@code cleanup}: deletes the prefix's queues and exchange once the worker has stopped.</li>
 * </ul>
 *
 * Each prints one JSON line.
 */
public final class WorkerBench {

    private static final String USAGE = """
            usage: WorkerBench prepare --model BUNDLE [--batch N] [--seconds S] [--limit N] IMAGE_DIR
                   WorkerBench publish --broker URL --prefix P --model BUNDLE [--batch N] [--pid PID] \
            [--timeout S] [--limit N] [--threads T] IMAGE_DIR
                   WorkerBench cleanup --broker URL --prefix P""";

    private WorkerBench() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || !List.of("prepare", "publish", "cleanup").contains(args[0])) {
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("WorkerBench: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        try {
            System.out.println(switch (args[0]) {
                case "prepare" -> prepare(options);
                case "publish" -> publish(options);
                default -> cleanup(options);
            });
        } catch (BundleException | IOException | RuntimeException e) {
            System.err.println("WorkerBench " + args[0] + ": " + e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(1);
        }
    }

    /** The corpus's PNG and JPEG files, sorted by name. */
    static List<Path> images(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> out = files.filter(p -> p.getFileName().toString().matches("(?i).*\\.(png|jpe?g)"))
                    .map(Path::toAbsolutePath).sorted().toList();
            if (out.isEmpty()) {
                throw new IllegalArgumentException(dir + " has no .png or .jpg images");
            }
            return out;
        }
    }

    /** One batch message per {@code batch} images; ids are the files' sha256 as staging would compute them. */
    static List<BatchMessage> batches(List<Path> files, int batch, String modelId, String runId) throws IOException {
        List<BatchMessage> out = new ArrayList<>();
        for (int start = 0; start < files.size(); start += batch) {
            List<BatchImage> images = new ArrayList<>();
            for (Path file : files.subList(start, Math.min(files.size(), start + batch))) {
                images.add(new BatchImage(ContentHash.sha256(Files.readAllBytes(file)), file.toString()));
            }
            out.add(new BatchMessage(runId, runId + "-" + out.size(), modelId, "bench", 1, images));
        }
        return out;
    }

    static String prepare(Options o) throws BundleException, IOException {
        ModelBundle bundle = ModelBundle.load(o.model());
        List<Path> files = o.limit() > 0 ? images(o.images()).stream().limit(o.limit()).toList()
                : images(o.images());
        List<BatchMessage> batches = batches(files, o.batch(), bundle.modelId(), "prepare");
        try (ClipModel model = ClipModel.open(bundle, new CpuSessionConfigurer(1, o.batch()), ModelRole.VISUAL);
                BatchScoringHandler handler = BatchScoringHandler.create(model,
                        PathPolicy.unrestricted(List.of()), "bench", 1)) {
            pass(handler, batches); // JIT warm-up, and every file into the page cache
            long images = 0;
            double readMs = 0;
            double preprocessMs = 0;
            long start = System.nanoTime();
            long window = (long) (o.seconds() * 1e9);
            while (System.nanoTime() - start < window) {
                for (BatchMessage b : batches) {
                    DecodedBatch d = handler.prepare(b);
                    if (d.readable() != d.size()) {
                        throw new IllegalStateException("batch " + b.batchId() + ": " + firstError(d));
                    }
                    images += d.size();
                    readMs += d.decodeMs();
                    preprocessMs += d.preprocessMs();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return String.format(Locale.ROOT, "{\"bench\": \"prepare\", \"images\": %d, \"files\": %d, "
                    + "\"seconds\": %.3f, \"ms_per_image\": %.3f, \"read_hash_ms\": %.3f, \"decode_preprocess_ms\": "
                    + "%.3f, \"decode_threads\": 1}", images, files.size(), seconds, seconds * 1000 / images,
                    readMs / images, preprocessMs / images);
        }
    }

    private static void pass(BatchScoringHandler handler, List<BatchMessage> batches) {
        for (BatchMessage b : batches) {
            DecodedBatch d = handler.prepare(b);
            if (d.readable() != d.size()) {
                throw new IllegalStateException("batch " + b.batchId() + ": " + firstError(d));
            }
        }
    }

    private static String firstError(DecodedBatch d) {
        for (int i = 0; i < d.size(); i++) {
            if (d.error(i) != null) {
                return d.error(i);
            }
        }
        return "?";
    }

    private record Arrival(long nanos, ResultMessage result) {
    }

    /** Deletes the prefix's queues and heartbeat exchange (after the worker stopped). */
    static String cleanup(Options o) throws IOException {
        try (Connection connection = factory(o).newConnection("facesweep-bench-cleanup")) {
            Channel channel = connection.createChannel();
            for (String name : new String[] {Topology.BATCH_QUEUE, Topology.RESULT_QUEUE, Topology.PARKING_QUEUE}) {
                channel.queueDelete(o.prefix() + name);
            }
            channel.exchangeDelete(o.prefix() + Topology.HEARTBEAT_EXCHANGE);
            return "{\"bench\": \"cleanup\", \"prefix\": \"" + InferenceBench.json(o.prefix()) + "\"}";
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("cannot connect to " + o.broker().replaceFirst(":[^:@/]*@", ":***@"));
        }
    }

    private static ConnectionFactory factory(Options o) {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(new URI(o.broker()));
        } catch (Exception e) {
            throw new IllegalArgumentException("--broker " + o.broker() + " is not an amqp:// URL: " + e.getMessage());
        }
        return factory;
    }

    static String publish(Options o) throws BundleException, IOException, InterruptedException {
        ModelBundle bundle = ModelBundle.load(o.model());
        List<Path> files = o.limit() > 0 ? images(o.images()).stream().limit(o.limit()).toList()
                : images(o.images());
        String runId = "bench-" + Long.toHexString(System.nanoTime());
        List<BatchMessage> batches = batches(files, o.batch(), bundle.modelId(), runId);
        MessageCodec codec = new MessageCodec();
        String batchQueue = o.prefix() + Topology.BATCH_QUEUE;
        String resultQueue = o.prefix() + Topology.RESULT_QUEUE;
        String parkedQueue = o.prefix() + Topology.PARKING_QUEUE;
        String heartbeats = o.prefix() + Topology.HEARTBEAT_EXCHANGE;
        try (Connection connection = factory(o).newConnection("facesweep-bench")) {
            Channel channel = connection.createChannel();
            for (String q : new String[] {batchQueue, resultQueue, parkedQueue}) {
                channel.queueDeclare(q, true, false, false, Topology.durableQueueArguments());
            }
            channel.exchangeDeclare(heartbeats, BuiltinExchangeType.FANOUT, true);
            String beats = channel.queueDeclare().getQueue();
            channel.queueBind(beats, heartbeats, "");
            AtomicReference<String> lastHeartbeat = new AtomicReference<>("null");
            channel.basicConsume(beats, true, (tag, d) -> lastHeartbeat.set(new String(d.getBody(),
                    StandardCharsets.UTF_8)), tag -> { });
            BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
            List<String> undecodable = Collections.synchronizedList(new ArrayList<>());
            DeliverCallback onResult = (tag, d) -> {
                long now = System.nanoTime();
                try {
                    arrivals.add(new Arrival(now, codec.decodeResult(d.getBody())));
                } catch (MalformedMessageException e) {
                    undecodable.add(e.getMessage());
                }
            };
            channel.basicConsume(resultQueue, true, onResult, tag -> { });

            Channel publish = connection.createChannel();
            publish.confirmSelect();
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json")
                    .deliveryMode(2).build();
            long published = System.nanoTime();
            for (BatchMessage b : batches) {
                publish.basicPublish("", batchQueue, props, codec.encode(b));
            }
            try {
                publish.waitForConfirmsOrDie(30_000);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IOException("the broker did not confirm the batches within 30 s");
            }

            List<Arrival> got = new ArrayList<>();
            CpuContention contention = o.pid() == null ? null : new CpuContention(o.pid());
            CpuContention.Snapshot first = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.timeoutSeconds());
            while (got.size() < batches.size()) {
                Arrival a = arrivals.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (a == null) {
                    throw new IOException("only " + got.size() + " of " + batches.size() + " results within "
                            + o.timeoutSeconds() + " s; is the worker running with --prefix " + o.prefix() + "? "
                            + "parked: " + channel.messageCount(parkedQueue));
                }
                if (!a.result().scanId().equals(runId)) {
                    continue; // a leftover of an earlier run
                }
                if (got.isEmpty() && contention != null) {
                    first = contention.snapshot();
                }
                got.add(a);
            }
            CpuContention.Snapshot last = contention == null ? null : contention.snapshot();
            long hwm = o.pid() == null ? -1 : ProcStatus.kb(Path.of("/proc", o.pid(), "status"), "VmHWM");
            String result = summary(o, files.size(), batches.size(), published, got, undecodable, first, last, hwm,
                    lastHeartbeat.get());
            return result;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("cannot connect to " + o.broker().replaceFirst(":[^:@/]*@", ":***@"));
        }
    }

    private static String summary(Options o, int images, int batches, long published, List<Arrival> got,
            List<String> undecodable, CpuContention.Snapshot first, CpuContention.Snapshot last, long hwmKb,
            String heartbeat) {
        long failed = got.stream().flatMap(a -> a.result().results().stream()).filter(r -> r.failed()).count();
        int firstImages = got.get(0).result().results().size();
        double steadySeconds = (got.get(got.size() - 1).nanos() - got.get(0).nanos()) / 1e9;
        double toFirst = (got.get(0).nanos() - published) / 1e9;
        double total = (got.get(got.size() - 1).nanos() - published) / 1e9;
        // the worker's own per-stage wall times, per image, over the batches after the first
        double decode = 0;
        double preprocess = 0;
        double infer = 0;
        int counted = 0;
        for (Arrival a : got.subList(1, got.size())) {
            ResultMessage.Timings t = a.result().timings();
            decode += t.decodeMs();
            preprocess += t.preprocessMs();
            infer += t.inferMs();
            counted += a.result().results().size();
        }
        String cpu = first == null || last == null ? "\"own_cores\": null"
                : CpuContention.json(first, last, o.threads());
        return String.format(Locale.ROOT, "{\"bench\": \"worker\", \"images\": %d, \"batches\": %d, \"batch\": %d, "
                + "\"failed_images\": %d, \"undecodable_results\": %d, \"seconds_to_first_result\": %.2f, "
                + "\"seconds_total\": %.2f, \"steady_images\": %d, \"steady_seconds\": %.3f, \"per_second\": %.4f, "
                + "\"worker_ms_per_image\": {\"read_hash\": %.2f, \"preprocess\": %.2f, \"infer\": %.2f}, %s, "
                + "\"worker_vm_hwm_kb\": %d, \"heartbeat\": %s}", images, batches, o.batch(), failed,
                undecodable.size(), toFirst, total, images - firstImages, steadySeconds,
                (images - firstImages) / steadySeconds, decode / counted, preprocess / counted, infer / counted, cpu,
                hwmKb, heartbeat);
    }

    /** @param limit use at most this many images of the folder (the first by name); 0 for all */
    record Options(Path model, int batch, double seconds, String broker, String prefix, String pid,
            int timeoutSeconds, int limit, int threads, Path images) {

        static Options parse(String[] args) {
            Path model = null;
            int batch = 8;
            double seconds = 20;
            String broker = "amqp://guest:guest@localhost:5672";
            String prefix = null;
            String pid = null;
            int timeout = 1800;
            int limit = 0;
            int threads = 1;
            Path images = null;
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if (!a.startsWith("--")) {
                    if (images != null) {
                        throw new IllegalArgumentException("one image folder only, got " + images + " and " + a);
                    }
                    images = Path.of(a);
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--model" -> model = Path.of(v);
                    case "--batch" -> batch = Args.positiveInt(a, v);
                    case "--seconds" -> seconds = Args.positiveDouble(a, v);
                    case "--broker" -> broker = v;
                    case "--prefix" -> prefix = v;
                    case "--pid" -> pid = Integer.toString(Args.positiveInt(a, v));
                    case "--timeout" -> timeout = Args.positiveInt(a, v);
                    case "--limit" -> limit = Args.nonNegativeInt(a, v);
                    case "--threads" -> threads = Args.positiveInt(a, v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (!args[0].equals("cleanup") && (model == null || images == null)) {
                throw new IllegalArgumentException("--model and the image folder are required");
            }
            if (!args[0].equals("prepare") && (prefix == null || prefix.isBlank())) {
                throw new IllegalArgumentException("publish needs --prefix (the worker's facesweep.amqp.prefix), so "
                        + "the benchmark never touches real queues");
            }
            return new Options(model, batch, seconds, broker, prefix, pid, timeout, limit, threads, images);
        }
    }
}
