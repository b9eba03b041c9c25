package dev.facesweep.worker.amqp;

import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.ImageResult;
import dev.facesweep.protocol.ResultMessage;
import dev.facesweep.worker.BatchHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A worker process for {@link CrashingWorkerIT}: a real {@link AmqpWorker} whose handler kills the whole JVM
 * ({@code halt}, no shutdown hooks, no acks) when a batch holds the image id given as the third argument; other
 * batches get a fixed embedding.
 *
 * <p>Arguments: broker URL, queue prefix, poison image id.
 */
public final class CrashingWorkerMain {

    static final String MODEL = "crash-test-model@000000000000";
    static final int CRASH_EXIT = 42;

    private CrashingWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        String poison = args[2];
        BatchHandler handler = new BatchHandler() {
            @Override
            public String modelId() {
                return MODEL;
            }

            @Override
            public ResultMessage handle(BatchMessage batch) {
                if (batch.images().stream().anyMatch(i -> i.id().equals(poison))) {
                    System.out.println("crashing on batch " + batch.batchId() + " attempt " + batch.attempt());
                    System.out.flush();
                    Runtime.getRuntime().halt(CRASH_EXIT);
                }
                List<ImageResult> results = batch.images().stream()
                        .map(i -> ImageResult.scored(i.id(), new float[] {1, 0}, java.util.Map.of())).toList();
                return new ResultMessage(batch.scanId(), batch.batchId(), "crashing-worker", MODEL,
                        batch.promptHash(), results, new ResultMessage.Timings(0, 0, 0));
            }
        };
        AmqpSettings settings = new AmqpSettings(args[0], null, null, QueueNames.withPrefix(args[1]), 1, 3,
                1 << 20, Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ZERO, "facesweep-it-crashing-worker " + args[1]);
        AmqpWorker worker = new AmqpWorker(settings, handler,
                new WorkerIdentity("crashing-worker", "test-host", "CPU", "CPU", "cpu", MODEL, 1), WorkerEvents.NONE,
                Clock.systemUTC());
        worker.start();
        Thread.currentThread().join(); // until killed
    }
}
