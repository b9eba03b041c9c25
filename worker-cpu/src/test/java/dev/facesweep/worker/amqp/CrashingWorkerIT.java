package dev.facesweep.worker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.GetResponse;
import dev.facesweep.protocol.BatchImage;
import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.ResultMessage;
import dev.facesweep.protocol.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch that kills the worker process every time: real JVMs that halt mid-batch, restarted as a supervisor
 * would; after the bounded attempts the batch is in the parking queue and the next batch is answered.
 */
class CrashingWorkerIT {

    private static final String POISON = "d".repeat(64);

    @TempDir
    Path tmp;

    private TestQueues queues;
    private Process child;

    @BeforeEach
    void topology() throws Exception {
        queues = new TestQueues(TestBroker.get());
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (child != null) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        queues.close();
    }

    private Process startWorker(int n) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashingWorkerMain.class.getName(), TestBroker.get().url(), queues.prefix, POISON)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("worker-" + n + ".log").toFile()).start();
    }

    @Test
    void aBatchThatCrashesTheWorkerEveryTimeIsParkedAfterMaxAttempts() throws Exception {
        queues.publish(new BatchMessage("scan-it", "b-killer", CrashingWorkerMain.MODEL, "h", 1,
                List.of(new BatchImage(POISON, "/srv/x.png"))));
        queues.publish(new BatchMessage("scan-it", "b-next", CrashingWorkerMain.MODEL, "h", 1,
                List.of(new BatchImage("e".repeat(64), "/srv/y.png"))));
        List<Integer> crashes = new ArrayList<>();

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (child == null || !child.isAlive()) {
                if (child != null) {
                    crashes.add(child.exitValue());
                }
                child = startWorker(crashes.size() + 1);
            }
            return queues.depth(queues.names.parked()) > 0;
        });

        GetResponse parked = queues.take(queues.names.parked());
        String reason = parked.getProps().getHeaders().get(Topology.HEADER_PARK_REASON).toString();
        assertThat(reason).isEqualTo("attempt 3 went unanswered (it crashed or hung a worker, or the worker lost its "
                + "connection); parked after 3 attempts");
        BatchMessage body = queues.codec.decodeBatch(parked.getBody());
        assertThat(body.batchId()).isEqualTo("b-killer");
        assertThat(body.attempt()).isEqualTo(3);
        assertThat(crashes).containsExactly(CrashingWorkerMain.CRASH_EXIT, CrashingWorkerMain.CRASH_EXIT,
                CrashingWorkerMain.CRASH_EXIT);

        List<ResultMessage> results = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (GetResponse r : queues.drain(queues.names.results())) {
                results.add(queues.codec.decodeResult(r.getBody()));
            }
            return !results.isEmpty();
        });
        assertThat(results).extracting(ResultMessage::batchId).containsExactly("b-next");
        assertThat(child.isAlive()).isTrue();
    }
}
