package dev.facesweep.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.facesweep.model.CpuSessionConfigurer;
import dev.facesweep.model.ModelRole;
import dev.facesweep.model.SessionTarget;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * The limit a worker is measured against: ONNX Runtime {@code run()} throughput of a bundle's image model for one
 * batch size, with the session set up exactly as the CPU worker sets it up ({@link CpuSessionConfigurer}: graph
 * optimisation ALL, the given intra-op threads). One random input tensor is made once and fed to every run, so
 * nothing but the model runs in the timed window.
 *
 * <p>Run each batch size in a fresh JVM: the peak resident set ({@code VmHWM} of /proc/self/status) printed at the
 * end is then that batch size's alone. Prints one JSON line with the throughput, the run times, the memory and the
 * JVM's heap settings; {@code cpu_share} is the process's CPU time over (wall time x threads) during the timed
 * window: well below 1 means another process took the cores.
 */
public final class InferenceBench {

    private static final String USAGE = "usage: InferenceBench --model BUNDLE_OR_ONNX --batch N [--threads T] "
            + "[--seconds S] [--warmup-runs N] [--min-runs N] [--config KEY=VALUE]...";

    private InferenceBench() {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("InferenceBench: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        try {
            System.out.println(run(options));
        } catch (OrtException | RuntimeException e) {
            System.err.println("InferenceBench: " + options.model() + ": " + e.getMessage());
            System.exit(1);
        }
    }

    static String run(Options options) throws OrtException {
        Path file = Files.isDirectory(options.model()) ? options.model().resolve("visual").resolve("model.onnx")
                : options.model();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " not found: pass a model bundle folder or an ONNX file");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        CpuSessionConfigurer configurer = new CpuSessionConfigurer(options.threads(), options.batch());
        long openStart = System.nanoTime();
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            configurer.configure(sessionOptions, new SessionTarget(ModelRole.VISUAL, file, "image", Optional.empty(),
                    OptionalLong.empty()));
            for (Map.Entry<String, String> entry : options.config().entrySet()) {
                sessionOptions.addConfigEntry(entry.getKey(), entry.getValue());
            }
            try (OrtSession session = env.createSession(file.toString(), sessionOptions)) {
                double openSeconds = (System.nanoTime() - openStart) / 1e9;
                String input = session.getInputNames().iterator().next();
                long[] shape = ((TensorInfo) session.getInputInfo().get(input).getInfo()).getShape();
                long[] runShape = {options.batch(), shape[1], shape[2], shape[3]};
                return measure(options, env, session, input, runShape, openSeconds);
            }
        }
    }

    private static String measure(Options options, OrtEnvironment env, OrtSession session, String input,
            long[] shape, double openSeconds) throws OrtException {
        int floats = Math.toIntExact(shape[0] * shape[1] * shape[2] * shape[3]);
        FloatBuffer data = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        SplittableRandom random = new SplittableRandom(6);
        for (int i = 0; i < floats; i++) {
            data.put((float) (random.nextDouble() * 4 - 2)); // the range of CLIP-normalised pixels
        }
        data.rewind();
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, data, shape)) {
            Map<String, OnnxTensor> feed = Map.of(input, tensor);
            List<Double> warmup = new ArrayList<>();
            for (int i = 0; i < options.warmupRuns(); i++) {
                warmup.add(timedRun(session, feed));
            }
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpuStart = os.getProcessCpuTime();
            CpuContention contention = new CpuContention("self");
            CpuContention.Snapshot before = contention.snapshot();
            long start = System.nanoTime();
            long window = (long) (options.seconds() * 1e9);
            List<Double> runs = new ArrayList<>();
            while (System.nanoTime() - start < window || runs.size() < options.minRuns()) {
                runs.add(timedRun(session, feed));
            }
            long elapsed = System.nanoTime() - start;
            long cpu = os.getProcessCpuTime() - cpuStart;
            CpuContention.Snapshot after = contention.snapshot();
            int threads = options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
            double seconds = elapsed / 1e9;
            long images = (long) runs.size() * options.batch();
            Runtime rt = Runtime.getRuntime();
            return String.format(Locale.ROOT, "{\"bench\": \"inference\", \"model\": \"%s\", \"batch\": %d, "
                    + "\"threads\": %d, \"runs\": %d, \"images\": %d, \"seconds\": %.3f, \"per_second\": %.4f, "
                    + "\"ms_per_image\": %.2f, \"ms_per_run\": {\"median\": %.1f, \"min\": %.1f, \"max\": %.1f}, "
                    + "\"warmup_ms\": %s, \"open_seconds\": %.2f, \"cpu_share\": %.3f, %s, \"vm_hwm_kb\": %d, "
                    + "\"vm_rss_kb\": %d, \"heap_max_mb\": %d, \"heap_committed_mb\": %d, \"heap_used_mb\": %d, "
                    + "\"gc\": \"%s\", \"jvm_args\": \"%s\", \"cores\": %d, \"java\": \"%s\"}",
                    json(options.model().toString()), options.batch(), threads, runs.size(), images, seconds,
                    images / seconds, seconds * 1000 / images, percentile(runs, 0.5), percentile(runs, 0),
                    percentile(runs, 1), warmup.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList(),
                    openSeconds, cpu / (double) elapsed / threads, CpuContention.json(before, after, threads), ProcStatus.kb("VmHWM"), ProcStatus.kb("VmRSS"),
                    rt.maxMemory() >> 20, rt.totalMemory() >> 20, (rt.totalMemory() - rt.freeMemory()) >> 20,
                    gcNames(), json(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())),
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        }
    }

    private static double timedRun(OrtSession session, Map<String, OnnxTensor> feed) throws OrtException {
        long t0 = System.nanoTime();
        try (OrtSession.Result result = session.run(feed)) {
            if (result.size() == 0) {
                throw new IllegalStateException("the model returned no output");
            }
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    static double percentile(List<Double> values, double q) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get((int) Math.round(q * (sorted.size() - 1)));
    }

    private static String gcNames() {
        return String.join(", ", ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).toList());
    }

    static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /**
     * @param config extra session configuration entries ({@code --config KEY=VALUE}, e.g.
     *     {@code session.set_denormal_as_zero=1}) for tuning experiments; the worker does not set them
     */
    record Options(Path model, int batch, int threads, double seconds, int warmupRuns, int minRuns,
            Map<String, String> config) {

        static Options parse(String[] args) {
            Path model = null;
            int batch = 0;
            int threads = Runtime.getRuntime().availableProcessors();
            double seconds = 20;
            int warmupRuns = 1;
            int minRuns = 2;
            Map<String, String> config = new java.util.LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--model" -> model = Path.of(value(args, ++i, "--model"));
                    case "--batch" -> batch = Args.positiveInt("--batch", value(args, ++i, "--batch"));
                    case "--threads" -> threads = Args.positiveInt("--threads", value(args, ++i, "--threads"));
                    case "--seconds" -> seconds = Args.positiveDouble("--seconds", value(args, ++i, "--seconds"));
                    case "--warmup-runs" -> warmupRuns = Args.nonNegativeInt("--warmup-runs",
                            value(args, ++i, "--warmup-runs"));
                    case "--min-runs" -> minRuns = Args.positiveInt("--min-runs", value(args, ++i, "--min-runs"));
                    case "--config" -> {
                        String entry = value(args, ++i, "--config");
                        int eq = entry.indexOf('=');
                        if (eq < 1) {
                            throw new IllegalArgumentException("--config takes KEY=VALUE, got " + entry);
                        }
                        config.put(entry.substring(0, eq), entry.substring(eq + 1));
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (model == null || batch == 0) {
                throw new IllegalArgumentException("--model and --batch are required");
            }
            return new Options(model, batch, threads, seconds, warmupRuns, minRuns, Map.copyOf(config));
        }

        private static String value(String[] args, int i, String name) {
            if (i >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return args[i];
        }
    }
}
