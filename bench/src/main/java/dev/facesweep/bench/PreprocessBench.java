package dev.facesweep.bench;

import dev.facesweep.imaging.ClipImagePreprocessor;
import dev.facesweep.imaging.DecodeLimits;
import dev.facesweep.imaging.ImageException;
import dev.facesweep.imaging.PreprocessConfig;
import dev.facesweep.imaging.PreprocessStages;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Single-threaded throughput of {@link ClipImagePreprocessor}: the Java side of bench/pillow_preprocess.py.
 *
 * <p>Every iteration reads each file from disk (the page cache after the first pass), exactly as the Python side
 * does with {@code Image.open(path)}, then decodes, resizes, crops and normalises it into one reused float buffer
 * (the batch buffer a worker would fill). {@code --in-memory} reads the files once instead. The JIT is warmed up
 * for {@code --warmup} seconds before the timed window of {@code --seconds}. Prints one JSON line; its
 * {@code cpu_share} is the benchmark thread's CPU time over the wall time of the window: well below 1 means another
 * process (or the JVM's own GC) took the core, and the run should be repeated on a quieter machine.
 */
public final class PreprocessBench {

    private static final String USAGE = "usage: PreprocessBench [--seconds S] [--warmup S] [--in-memory] [--breakdown]"
            + " IMAGE...";

    private PreprocessBench() {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        try {
            System.out.println(run(options));
        } catch (BenchException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    static String run(Options options) throws BenchException {
        ClipImagePreprocessor preprocessor =
                new ClipImagePreprocessor(PreprocessConfig.openClipDefault(), DecodeLimits.defaults());
        PreprocessStages stages = new PreprocessStages(preprocessor);
        float[] dest = new float[preprocessor.tensorSize()];
        List<Path> files = options.images();
        byte[][] cached = new byte[files.size()][];
        for (int i = 0; i < files.size(); i++) {
            cached[i] = read(files.get(i));
            try {
                preprocessor.preprocess(cached[i], dest, 0);
            } catch (ImageException e) {
                throw new BenchException(files.get(i) + ": " + e.getMessage() + " (benchmark only readable images)");
            }
        }
        Pass pass = new Pass(options, files, cached, preprocessor, stages, dest);

        long warmupEnd = System.nanoTime() + seconds(options.warmupSeconds());
        while (System.nanoTime() < warmupEnd) {
            pass.run();
        }
        pass.resetTotals();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long window = seconds(options.seconds());
        long elapsed;
        int done = 0;
        do {
            pass.run();
            done += files.size();
            elapsed = System.nanoTime() - start;
        } while (elapsed < window);
        long cpu = threads.getCurrentThreadCpuTime() - cpuStart;

        double secs = elapsed / 1e9;
        StringBuilder json = new StringBuilder();
        json.append(String.format(Locale.ROOT, "{\"side\": \"java\", \"images\": %d, \"seconds\": %.3f, "
                + "\"per_second\": %.2f, \"cpu_share\": %.3f, \"source\": \"%s\", \"java\": \"%s\"", done, secs,
                done / secs, cpu / (double) elapsed,
                options.inMemory() ? "memory" : "file", System.getProperty("java.version")));
        if (options.breakdown()) {
            json.append(String.format(Locale.ROOT, ", \"ms_per_image\": {\"read\": %.3f, \"decode\": %.3f, "
                    + "\"resize_crop_rgb\": %.3f, \"normalize\": %.3f}",
                    perImage(pass.readNanos, done), perImage(stages.decodeNanos(), done),
                    perImage(stages.resizeNanos(), done), perImage(stages.normalizeNanos(), done)));
        }
        json.append(String.format(Locale.ROOT, ", \"checksum\": %.4f}", pass.checksum));
        return json.toString();
    }

    private static double perImage(long nanos, int images) {
        return nanos / 1e6 / images;
    }

    private static long seconds(double s) {
        return (long) (s * 1e9);
    }

    private static byte[] read(Path file) throws BenchException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BenchException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** One pass over every image, the unit of work both sides repeat. */
    private static final class Pass {
        private final Options options;
        private final List<Path> files;
        private final byte[][] cached;
        private final ClipImagePreprocessor preprocessor;
        private final PreprocessStages stages;
        private final float[] dest;
        long readNanos;
        /** Keeps the output observable, so the JIT cannot drop any of the work. */
        double checksum;

        Pass(Options options, List<Path> files, byte[][] cached, ClipImagePreprocessor preprocessor,
                PreprocessStages stages, float[] dest) {
            this.options = options;
            this.files = files;
            this.cached = cached;
            this.preprocessor = preprocessor;
            this.stages = stages;
            this.dest = dest;
        }

        void run() throws BenchException {
            for (int i = 0; i < files.size(); i++) {
                long t0 = System.nanoTime();
                byte[] encoded = options.inMemory() ? cached[i] : read(files.get(i));
                readNanos += System.nanoTime() - t0;
                try {
                    if (options.breakdown()) {
                        stages.preprocess(encoded, dest, 0);
                    } else {
                        preprocessor.preprocess(encoded, dest, 0);
                    }
                } catch (ImageException e) {
                    throw new BenchException(files.get(i) + ": " + e.getMessage());
                }
                checksum += dest[i * 997 % dest.length];
            }
        }

        void resetTotals() {
            readNanos = 0;
            checksum = 0;
            stages.reset();
        }
    }

    record Options(double seconds, double warmupSeconds, boolean inMemory, boolean breakdown, List<Path> images) {

        static Options parse(String[] args) {
            double seconds = 10;
            double warmup = 5;
            boolean inMemory = false;
            boolean breakdown = false;
            List<Path> images = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--seconds" -> seconds = positive("--seconds", args, ++i);
                    case "--warmup" -> warmup = positive("--warmup", args, ++i);
                    case "--in-memory" -> inMemory = true;
                    case "--breakdown" -> breakdown = true;
                    default -> {
                        if (args[i].startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + args[i]);
                        }
                        images.add(Path.of(args[i]));
                    }
                }
            }
            if (images.isEmpty()) {
                throw new IllegalArgumentException("no images given: pass the PNG files to benchmark");
            }
            return new Options(seconds, warmup, inMemory, breakdown, List.copyOf(images));
        }

        private static double positive(String name, String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException(name + " needs a number of seconds");
            }
            try {
                double v = Double.parseDouble(args[i]);
                if (v > 0) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(name + " must be a positive number of seconds, got " + args[i]);
        }
    }

    /** A file the benchmark cannot use; the message names it. */
    static final class BenchException extends Exception {
        BenchException(String message) {
            super(message);
        }
    }
}
