package dev.facesweep.coordinator.scan;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;

import ch.qos.logback.classic.Level;
import dev.facesweep.model.ClipModel;
import dev.facesweep.model.CpuSessionConfigurer;
import dev.facesweep.model.ModelBundle;
import dev.facesweep.model.ModelRole;
import dev.facesweep.protocol.BatchImage;
import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.ResultMessage;
import dev.facesweep.worker.BatchHandler;
import dev.facesweep.worker.BatchScoringHandler;
import dev.facesweep.worker.PathPolicy;
import dev.facesweep.worker.amqp.AmqpSettings;
import dev.facesweep.worker.amqp.AmqpWorker;
import dev.facesweep.worker.amqp.HangAction;
import dev.facesweep.worker.amqp.QueueNames;
import dev.facesweep.worker.amqp.WorkerEvents;
import dev.facesweep.worker.amqp.WorkerIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * A test-only worker process: the real RabbitMQ transport ({@link AmqpWorker}) around the real model
 * ({@link BatchScoringHandler}), with hooks the system tests drive through the environment. Nothing in the product
 * reads these variables.
 *
 * <ul>
 *   <li>{@code FACESWEEP_TEST_TAP=FILE}: appends one line per batch handed to the model:
 *       {@code batchId attempt sha256,sha256,...} (what the coordinator sent to a worker).</li>
 *   <li>{@code FACESWEEP_TEST_HOLD_AT=N}: the N-th batch blocks in the middle of its work (after
 *       {@code holding batch ID} is printed) until the file {@code FACESWEEP_TEST_RELEASE} exists, or forever.</li>
 *   <li>{@code FACESWEEP_TEST_CRASH_ON_SHA256=HEX}: a batch holding that image halts the JVM (exit 42, no shutdown
 *       hooks, no acks), every time.</li>
 *   <li>{@code FACESWEEP_TEST_HANG_ON_SHA256=HEX}: a batch holding that image never finishes (after
 *       {@code hanging on batch ID} is printed), every time; with {@code FACESWEEP_TEST_BATCH_TIMEOUT_MS=N} the
 *       worker's batch time limit (default none) then makes it give up on itself ({@link HangAction#HALT}).</li>
 *   <li>{@code FACESWEEP_AMQP_PREFIX}, {@code FACESWEEP_TEST_WORKER_ID}, {@code FACESWEEP_TEST_PREFETCH} (2).</li>
 * </ul>
 *
 * <p>Arguments: {@code --broker URL --model DIR [--allow-root DIR]...}.
 */
public final class ScriptedWorkerMain {

    static final int CRASH_EXIT = 42;
    static final String HOLDING = "holding batch ";
    static final String CRASHING = "crashing on batch ";
    static final String HANGING = "hanging on batch ";

    private ScriptedWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.facesweep")).setLevel(Level.INFO);
        String broker = null;
        Path model = null;
        List<Path> roots = new ArrayList<>();
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--broker" -> broker = args[i + 1];
                case "--model" -> model = Path.of(args[i + 1]);
                case "--allow-root" -> roots.add(Path.of(args[i + 1]));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String id = env("FACESWEEP_TEST_WORKER_ID", "scripted-worker");
        ClipModel clip = ClipModel.open(ModelBundle.load(model), new CpuSessionConfigurer(1, 8), ModelRole.VISUAL);
        BatchScoringHandler scoring = BatchScoringHandler.create(clip, PathPolicy.restricted(List.of(), roots), id,
                1);
        AmqpSettings settings = new AmqpSettings(broker, null, null,
                QueueNames.withPrefix(env("FACESWEEP_AMQP_PREFIX", "")),
                Integer.parseInt(env("FACESWEEP_TEST_PREFETCH", "2")), 3, 64 << 20, Duration.ofSeconds(10),
                Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofMillis(Long.parseLong(env("FACESWEEP_TEST_BATCH_TIMEOUT_MS", "0"))),
                "facesweep-it-worker " + id);
        AmqpWorker worker = new AmqpWorker(settings, new Scripted(scoring), new WorkerIdentity(id, "test-host", "CPU",
                "CPU", "cpu", scoring.modelId(), 8), WorkerEvents.NONE, Clock.systemUTC());
        worker.start();
        Thread.currentThread().join(); // until killed
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** The hooks around the real handler. */
    private static final class Scripted implements BatchHandler {
        private final BatchScoringHandler delegate;
        private final Path tap = pathEnv("FACESWEEP_TEST_TAP");
        private final int holdAt = Integer.parseInt(env("FACESWEEP_TEST_HOLD_AT", "0"));
        private final Path release = pathEnv("FACESWEEP_TEST_RELEASE");
        private final String crashOn = env("FACESWEEP_TEST_CRASH_ON_SHA256", null);
        private final String hangOn = env("FACESWEEP_TEST_HANG_ON_SHA256", null);
        private final AtomicInteger handled = new AtomicInteger();

        Scripted(BatchScoringHandler delegate) {
            this.delegate = delegate;
        }

        private static Path pathEnv(String name) {
            String value = env(name, null);
            return value == null ? null : Path.of(value);
        }

        @Override
        public String modelId() {
            return delegate.modelId();
        }

        @Override
        public ResultMessage handle(BatchMessage batch) {
            int n = handled.incrementAndGet();
            tap(batch);
            if (crashOn != null && batch.images().stream().anyMatch(i -> i.id().equals(crashOn))) {
                System.out.println(CRASHING + batch.batchId() + " attempt " + batch.attempt());
                System.out.flush();
                Runtime.getRuntime().halt(CRASH_EXIT);
            }
            if (hangOn != null && batch.images().stream().anyMatch(i -> i.id().equals(hangOn))) {
                System.out.println(HANGING + batch.batchId() + " attempt " + batch.attempt());
                System.out.flush();
                while (true) {
                    try {
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        // a hung model run does not listen to interrupts either
                    }
                }
            }
            if (n == holdAt) {
                System.out.println(HOLDING + batch.batchId() + " attempt " + batch.attempt());
                System.out.flush();
                hold();
                System.out.println("released batch " + batch.batchId());
                System.out.flush();
            }
            return delegate.handle(batch);
        }

        private void tap(BatchMessage batch) {
            if (tap == null) {
                return;
            }
            String line = batch.batchId() + " " + batch.attempt() + " "
                    + batch.images().stream().map(BatchImage::id).collect(Collectors.joining(",")) + "\n";
            try {
                Files.writeString(tap, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.SYNC);
            } catch (IOException e) {
                throw new IllegalStateException("cannot write the tap " + tap, e);
            }
        }

        /** Blocks until the release file exists (file-system events, no polling), or forever without one. */
        private void hold() {
            try {
                if (release == null) {
                    Thread.currentThread().join();
                }
                try (WatchService watch = release.getFileSystem().newWatchService()) {
                    release.getParent().register(watch, ENTRY_CREATE);
                    while (!Files.exists(release)) {
                        WatchKey key = watch.take();
                        key.pollEvents();
                        key.reset();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                throw new IllegalStateException("cannot watch " + release, e);
            }
        }
    }
}
