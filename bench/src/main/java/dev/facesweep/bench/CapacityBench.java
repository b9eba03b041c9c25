package dev.facesweep.bench;

import com.rabbitmq.client.ConnectionFactory;
import dev.facesweep.model.BundleException;
import dev.facesweep.model.ModelBundle;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Coordinator + broker capacity (bench/run-capacity.sh): a real {@code facesweep scan --broker} of a generated
 * corpus, run as its own process from the coordinator's jar against the real RabbitMQ, with a {@link StandInPool}
 * answering every batch at once. What it measures is what the coordinator (walk, hash, stage, claim, publish,
 * record results, progress) and the broker can move, i.e. the most images per second any worker pool could get
 * out of them.
 *
 * <ul>
 *   <li>{@code corpus --images N [--per-set M] ROOT}: generates the corpus ({@link CapacityCorpus}).</li>
 *   <li>{@code run ... ROOT}: generates the corpus if needed, starts from an empty store (a fresh state folder,
 *       or a freshly created PostgreSQL database for {@code --store}), starts the stand-ins, runs the scan to the
 *       end and prints one JSON line: images per second from the scan's start to its end as the store recorded
 *       them ({@code created_at} to {@code finished_at}), the process's wall time, CPU use, and samples of the
 *       coordinator's memory taken every {@code --sample-every} seconds: resident set, and with {@code --heap}
 *       the live heap and object count after a full GC ({@code jcmd PID GC.class_histogram}).</li>
 * </ul>
 */
public final class CapacityBench {

    private static final String USAGE = """
            usage: CapacityBench corpus --images N [--per-set M] ROOT
                   CapacityBench run --coordinator JAR --model BUNDLE --images N [--per-set M] [--batch B] \
            [--workers K] [--prefetch P] [--broker URL] [--prefix PREFIX] [--store JDBC_URL] [--state DIR] \
            [--sample-every S] [--heap] [--java-opts OPTS] [--timeout S] [--log FILE] [--broker-pid PID] ROOT""";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CapacityBench() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || !List.of("corpus", "run").contains(args[0])) {
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("CapacityBench: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        try {
            if (args[0].equals("corpus")) {
                long start = System.nanoTime();
                boolean wrote = CapacityCorpus.ensure(o.root(), o.images(), o.perSet());
                System.out.printf(Locale.ROOT, "{\"bench\": \"capacity-corpus\", \"images\": %d, \"written\": %s, "
                        + "\"seconds\": %.1f}%n", o.images(), wrote, (System.nanoTime() - start) / 1e9);
            } else {
                System.out.println(run(o));
            }
        } catch (BundleException | IOException | SQLException | RuntimeException e) {
            System.err.println("CapacityBench " + args[0] + ": " + e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(1);
        }
    }

    static String run(Options o) throws BundleException, IOException, SQLException, InterruptedException {
        long corpusStart = System.nanoTime();
        boolean wrote = CapacityCorpus.ensure(o.root(), o.images(), o.perSet());
        double corpusSeconds = (System.nanoTime() - corpusStart) / 1e9;
        ModelBundle bundle = ModelBundle.load(o.model());
        int dim = bundle.config().embedDim();
        Path state = o.state() != null ? o.state() : Files.createTempDirectory("facesweep-capacity-state");
        freshStore(o, state);
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(new URI(o.broker()));
        } catch (Exception e) {
            throw new IllegalArgumentException("--broker " + o.broker() + " is not an amqp:// URL: " + e.getMessage());
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (!o.javaOpts().isBlank()) {
            command.addAll(List.of(o.javaOpts().trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", o.coordinator().toString(), "scan", o.root().toString(), "--model",
                o.model().toString(), "--broker", o.broker(), "--queue-prefix", o.prefix(), "--batch-size",
                Integer.toString(o.batch()), "--state", state.toString(), "--json", "--metrics-port", "0"));
        if (o.store() != null) {
            command.addAll(List.of("--store", o.store()));
        }
        Path log = o.log() != null ? o.log() : Files.createTempFile("facesweep-capacity", ".log");
        Path stdout = Files.createTempFile("facesweep-capacity", ".out");
        ObjectNode out = JSON.createObjectNode();
        try (StandInPool pool = new StandInPool(factory, o.prefix(), bundle.modelId(), dim, o.workers(),
                o.prefetch(), o.batch())) {
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile())
                    .redirectOutput(stdout.toFile());
            if (o.store() != null) {
                pb.environment().putIfAbsent("FACESWEEP_STORE_USER", "postgres");
            }
            CpuContention.Snapshot machineStart = new CpuContention("self").snapshot();
            long[] selfStart = ProcCpu.ticks("self");
            long[] brokerStart = o.brokerPid() == null ? null : ProcCpu.ticks(o.brokerPid());
            long started = System.nanoTime();
            Process coordinator = pb.start();
            String pid = Long.toString(coordinator.pid());
            ArrayNode samples = JSON.createArrayNode();
            long peakRss = 0;
            long timeout = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.timeoutSeconds());
            long nextSample = System.nanoTime() + (long) (o.sampleEvery() * 1e9);
            while (!coordinator.waitFor(Math.max(1, Math.min(nextSample, timeout) - System.nanoTime()),
                    TimeUnit.NANOSECONDS)) {
                if (System.nanoTime() >= timeout) {
                    coordinator.destroyForcibly();
                    throw new IOException("the scan did not finish within " + o.timeoutSeconds() + " s (stand-ins "
                            + "answered " + pool.images() + " images); see " + log);
                }
                ObjectNode sample = samples.addObject();
                sample.put("seconds", round((System.nanoTime() - started) / 1e9, 1));
                sample.put("answered_images", pool.images());
                long rss = ProcStatus.kb(Path.of("/proc", pid, "status"), "VmRSS");
                peakRss = Math.max(peakRss, ProcStatus.kb(Path.of("/proc", pid, "status"), "VmHWM"));
                sample.put("rss_kb", rss);
                if (o.heap()) {
                    long[] live = liveHeap(pid);
                    if (live != null) {
                        sample.put("live_objects", live[0]);
                        sample.put("live_heap_kb", live[1] / 1024);
                    }
                }
                nextSample = System.nanoTime() + (long) (o.sampleEvery() * 1e9);
            }
            double processSeconds = (System.nanoTime() - started) / 1e9;
            CpuContention.Snapshot machineEnd = new CpuContention("self").snapshot();
            long[] selfEnd = ProcCpu.ticks("self");
            long[] brokerEnd = o.brokerPid() == null ? null : ProcCpu.ticks(o.brokerPid());
            List<String> lines = Files.readAllLines(stdout, StandardCharsets.UTF_8);
            if (coordinator.exitValue() != 0 || lines.isEmpty()) {
                throw new IOException("facesweep scan exited with " + coordinator.exitValue() + "; see " + log);
            }
            JsonNode summary = JSON.readTree(lines.get(lines.size() - 1));
            String scanId = summary.get("scan").asString();
            long[] times = scanTimes(o, state, scanId);
            double scanSeconds = (times[1] - times[0]) / 1000.0;
            long images = summary.get("images").asLong();
            out.put("bench", "capacity");
            out.put("store", o.store() == null ? "sqlite" : "postgresql");
            out.put("batch", o.batch());
            out.put("workers", o.workers());
            out.put("prefetch", o.prefetch());
            out.put("dim", dim);
            out.put("model", bundle.modelId());
            out.put("images", images);
            out.put("scored", summary.get("scored").asLong());
            out.put("reused", summary.get("reused").asLong());
            out.put("failed", summary.get("failed").asLong());
            out.put("parked", summary.get("parked").asLong());
            out.put("scan_seconds", round(scanSeconds, 3));
            out.put("per_second", round(images / scanSeconds, 1));
            out.put("process_seconds", round(processSeconds, 2));
            // the coordinator has been reaped: its CPU time is in this process's children's time (jcmd's too,
            // but jcmd runs only with --heap)
            double coordinatorCpu = (selfEnd[1] - selfStart[1]) / 100.0;
            double standinCpu = (selfEnd[0] - selfStart[0]) / 100.0;
            double brokerCpu = brokerStart == null ? Double.NaN : (brokerEnd[0] - brokerStart[0]) / 100.0;
            double busy = (machineEnd.busyTicks() - machineStart.busyTicks()) / 100.0;
            out.put("coordinator_cpu_seconds", round(coordinatorCpu, 1));
            out.put("standin_cpu_seconds", round(standinCpu, 1));
            if (Double.isNaN(brokerCpu)) {
                out.putNull("broker_cpu_seconds");
            } else {
                out.put("broker_cpu_seconds", round(brokerCpu, 1));
            }
            out.put("other_cpu_seconds", round(busy - coordinatorCpu - standinCpu
                    - (Double.isNaN(brokerCpu) ? 0 : brokerCpu), 1));
            out.put("machine_busy_cores", round(busy / processSeconds, 2));
            out.put("standin_batches", pool.batches());
            out.put("standin_images", pool.images());
            out.put("standin_repeats", pool.repeats());
            out.put("standin_malformed", pool.malformed());
            out.put("standin_nacked", pool.nacked());
            out.put("coordinator_peak_rss_kb", peakRss);
            out.put("store_bytes", storeBytes(o, state));
            out.put("corpus_written", wrote);
            out.put("corpus_seconds", round(corpusSeconds, 1));
            out.put("java_opts", o.javaOpts());
            out.set("samples", samples);
            pool.deleteTopology();
        } finally {
            Files.deleteIfExists(stdout);
            if (o.state() == null) {
                deleteTree(state);
            }
        }
        return JSON.writeValueAsString(out);
    }

    /** {instances, bytes} of the live heap after a full GC, or null when jcmd failed. */
    static long[] liveHeap(String pid) throws InterruptedException {
        try {
            Process jcmd = new ProcessBuilder("jcmd", pid, "GC.class_histogram").redirectErrorStream(true).start();
            String text = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor();
            for (String line : text.split("\n")) {
                String t = line.trim();
                if (t.startsWith("Total")) {
                    String[] f = t.split("\\s+");
                    return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("CapacityBench: jcmd " + pid + " failed: " + e.getMessage());
        }
        return null;
    }

    /** Empties the store: deletes the state folder's database, or drops and creates the PostgreSQL database. */
    static void freshStore(Options o, Path state) throws IOException, SQLException {
        if (o.store() == null) {
            deleteTree(state);
            Files.createDirectories(state);
            return;
        }
        String url = o.store();
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("--store must be a jdbc:postgresql:// URL naming a database the "
                    + "benchmark may drop and create, got " + url);
        }
        String withoutQuery = url.split("\\?", 2)[0];
        int slash = withoutQuery.lastIndexOf('/');
        String database = withoutQuery.substring(slash + 1);
        if (!database.matches("[a-z_][a-z0-9_]*") || !database.contains("bench")) {
            throw new IllegalArgumentException("--store database '" + database + "' must be a plain lower-case name"
                    + " containing 'bench' (the benchmark drops it)");
        }
        try (Connection c = DriverManager.getConnection(withoutQuery.substring(0, slash + 1) + "postgres",
                storeUser(), null); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database);
            s.execute("CREATE DATABASE " + database);
        }
        Files.createDirectories(state);
    }

    private static String storeUser() {
        String user = System.getenv("FACESWEEP_STORE_USER");
        return user != null ? user : "postgres";
    }

    /** {created_at, finished_at} of the scan in epoch milliseconds, as the coordinator recorded them. */
    static long[] scanTimes(Options o, Path state, String scanId) throws SQLException {
        String url = o.store() != null ? o.store() : "jdbc:sqlite:" + state.resolve("facesweep.db");
        try (Connection c = DriverManager.getConnection(url, o.store() != null ? storeUser() : null, null);
                PreparedStatement ps = c.prepareStatement("SELECT created_at, finished_at FROM scan WHERE id = ?")) {
            ps.setString(1, scanId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("scan " + scanId + " is not in the store " + url);
                }
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    static long storeBytes(Options o, Path state) throws IOException, SQLException {
        if (o.store() == null) {
            long bytes = 0;
            try (Stream<Path> files = Files.list(state)) {
                for (Path f : files.filter(p -> p.getFileName().toString().startsWith("facesweep.db")).toList()) {
                    bytes += Files.size(f);
                }
            }
            return bytes;
        }
        try (Connection c = DriverManager.getConnection(o.store(), storeUser(), null);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    record Options(Path root, int images, int perSet, Path coordinator, Path model, int batch, int workers,
            int prefetch, String broker, String prefix, String store, Path state, double sampleEvery, boolean heap,
            String javaOpts, int timeoutSeconds, Path log, String brokerPid) {

        static Options parse(String[] args) {
            Path root = null;
            int images = 0;
            int perSet = 100;
            Path coordinator = null;
            Path model = null;
            int batch = 16;
            int workers = 8;
            int prefetch = 2;
            String broker = "amqp://guest:guest@localhost:5672";
            String prefix = "capacity-bench.";
            String store = null;
            Path state = null;
            double sampleEvery = 5;
            boolean heap = false;
            String javaOpts = "";
            int timeout = 3600;
            Path log = null;
            String brokerPid = null;
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if (!a.startsWith("--")) {
                    if (root != null) {
                        throw new IllegalArgumentException("one corpus root only, got " + root + " and " + a);
                    }
                    root = Path.of(a).toAbsolutePath().normalize();
                    continue;
                }
                if (a.equals("--heap")) {
                    heap = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--images" -> images = Args.positiveInt(a, v);
                    case "--per-set" -> perSet = Args.positiveInt(a, v);
                    case "--coordinator" -> coordinator = Path.of(v).toAbsolutePath();
                    case "--model" -> model = Path.of(v).toAbsolutePath();
                    case "--batch" -> batch = Args.positiveInt(a, v);
                    case "--workers" -> workers = Args.positiveInt(a, v);
                    case "--prefetch" -> prefetch = Args.positiveInt(a, v);
                    case "--broker" -> broker = v;
                    case "--prefix" -> prefix = v;
                    case "--store" -> store = v;
                    case "--state" -> state = Path.of(v).toAbsolutePath();
                    case "--sample-every" -> sampleEvery = Args.positiveDouble(a, v);
                    case "--java-opts" -> javaOpts = v;
                    case "--timeout" -> timeout = Args.positiveInt(a, v);
                    case "--log" -> log = Path.of(v).toAbsolutePath();
                    case "--broker-pid" -> brokerPid = Integer.toString(Args.positiveInt(a, v));
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (root == null || images == 0) {
                throw new IllegalArgumentException("the corpus ROOT and --images are required");
            }
            if (args[0].equals("run") && (coordinator == null || model == null)) {
                throw new IllegalArgumentException("run needs --coordinator (coordinator/target/facesweep-coordinator"
                        + ".jar) and --model (the bundle whose model id and width the stand-ins answer with)");
            }
            if (args[0].equals("run") && prefix.isBlank()) {
                throw new IllegalArgumentException("--prefix must not be empty: the benchmark never touches real"
                        + " queues");
            }
            return new Options(root, images, perSet, coordinator, model, batch, workers, prefetch, broker, prefix,
                    store, state, sampleEvery, heap, javaOpts, timeout, log, brokerPid);
        }
    }
}
