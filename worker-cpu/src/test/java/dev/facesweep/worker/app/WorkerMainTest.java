package dev.facesweep.worker.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facesweep.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker command line: options onto properties, usage errors, and one-line start-up failures (exit 2). */
class WorkerMainTest {

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void freePort() {
        System.setProperty("server.port", "0");
    }

    @AfterEach
    void clear() {
        System.clearProperty("server.port");
        System.clearProperty("facesweep.amqp.prefetch");
        System.clearProperty("facesweep.worker.decode-threads");
        System.clearProperty("facesweep.worker.device");
        System.clearProperty("facesweep.worker.cuda.fallback");
        System.clearProperty("facesweep.worker.provider");
    }

    private int launch(String... args) {
        return WorkerMain.launch(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errLine() {
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(text.strip()).doesNotContain("\n");
        return text.strip();
    }

    @Test
    void optionsBecomeProperties() throws Exception {
        Map<String, Object> p = WorkerMain.parse(new String[] {"--broker", "amqps://u:p@mq:5671", "--model=/m",
                "--provider", "DML", "--path-map", "/mnt/e/=E:\\", "--path-map=/mnt/f/=F:\\", "--allow-root", "E:\\",
                "--allow-root", "F:\\faces"});
        assertThat(p).containsExactly(
                Map.entry("facesweep.amqp.url", "amqps://u:p@mq:5671"),
                Map.entry("facesweep.worker.model", "/m"),
                Map.entry("facesweep.worker.provider", "dml"),
                Map.entry("facesweep.worker.path-maps[0]", "/mnt/e/=E:\\"),
                Map.entry("facesweep.worker.path-maps[1]", "/mnt/f/=F:\\"),
                Map.entry("facesweep.worker.allowed-roots[0]", "E:\\"),
                Map.entry("facesweep.worker.allowed-roots[1]", "F:\\faces"));
        assertThat(WorkerMain.parse(new String[] {"--port", "9101"})).containsExactly(Map.entry("server.port", "9101"));
        assertThat(WorkerMain.parse(new String[] {"--port=0"})).containsExactly(Map.entry("server.port", "0"));
    }

    @Test
    void usageMistakesAreOneLineAndExitTwo() {
        assertThat(launch("--broker")).isEqualTo(2);
        assertThat(errLine()).isEqualTo("facesweep worker: option --broker needs a value; see --help");
        err.reset();
        assertThat(launch("--provider", "tpu")).isEqualTo(2);
        assertThat(errLine()).isEqualTo("facesweep worker: --provider must be cpu, dml or cuda, not 'tpu'");
        err.reset();
        assertThat(launch("--path-map", "/mnt/e")).isEqualTo(2);
        assertThat(errLine()).isEqualTo("facesweep worker: --path-map '/mnt/e' must be FROM=TO, e.g. /mnt/e/=E:\\");
        err.reset();
        assertThat(launch("--threads", "4")).isEqualTo(2);
        assertThat(errLine()).isEqualTo("facesweep worker: unknown option --threads; see --help");
        err.reset();
        assertThat(launch("somewhere")).isEqualTo(2);
        assertThat(errLine()).isEqualTo("facesweep worker: unexpected argument 'somewhere'; see --help");
        err.reset();
        assertThat(launch("--model", "/a", "--model", "/b")).isEqualTo(2);
        assertThat(errLine()).isEqualTo("facesweep worker: option --model given twice");
        err.reset();
        assertThat(launch("--port", "http")).isEqualTo(2);
        assertThat(errLine()).isEqualTo("facesweep worker: --port must be a port number from 0 to 65535 (0 picks a"
                + " free one), not 'http'");
        err.reset();
        assertThat(launch("--port", "65536")).isEqualTo(2);
        assertThat(errLine()).endsWith("not '65536'");
        assertThatThrownBy(() -> WorkerMain.parse(new String[] {"--broker="}))
                .hasMessage("option --broker needs a non-empty value; see --help");
    }

    @Test
    void helpPrintsTheUsage() {
        assertThat(launch("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: facesweep worker --broker AMQP_URL")
                .contains("--path-map FROM=TO").contains("--allow-root DIR").contains("--port PORT");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void configurationErrorsNameTheProperty() {
        String model = Fixtures.clipTinyModel().toString();
        assertThat(launch("--broker", "amqp://localhost:5672")).isEqualTo(2);
        assertThat(errLine()).startsWith("facesweep worker: facesweep.worker.model: no model given and ")
                .contains("give --model DIR|NAME or set FACESWEEP_MODEL");
        err.reset();

        Path missing = tmp.resolve("nope");
        assertThat(launch("--broker", "amqp://localhost:5672", "--model", model, "--path-map",
                "/srv/=" + missing)).isEqualTo(2);
        assertThat(errLine()).isEqualTo("facesweep worker: facesweep.worker.path-maps[0]: " + missing + " is not an "
                + "existing folder on this worker (an allowed root must be an absolute path to a folder)");
        err.reset();

        assertThat(launch("--broker", "amqp://localhost:5672", "--model", model, "--provider", "dml")).isEqualTo(2);
        assertThat(errLine()).isEqualTo("facesweep worker: facesweep.worker.provider: 'dml' is not in this build "
                + "(it has cpu, cuda); run the worker-dml jar (facesweep-worker.jar), which adds DirectML");
        err.reset();

        // which step refuses CUDA depends on the build (CudaWorkerIT); the way out is the same
        assertThat(launch("--broker", "amqp://localhost:5672", "--model", model, "--provider", "cuda")).isEqualTo(2);
        assertThat(errLine()).startsWith("facesweep worker: ").contains("docs/tuning.md")
                .endsWith("; or set facesweep.worker.cuda.fallback=cpu to run on the CPU instead");
        err.reset();

        System.setProperty("facesweep.worker.device", "amd");
        assertThat(launch("--broker", "amqp://localhost:5672", "--model", model, "--provider", "cuda")).isEqualTo(2);
        assertThat(errLine()).isEqualTo("facesweep worker: facesweep.worker.device: provider cuda takes a CUDA "
                + "device index (0, 1, ... as nvidia-smi numbers them), not 'amd'");
        err.reset();
        System.clearProperty("facesweep.worker.device");

        System.setProperty("facesweep.worker.cuda.fallback", "gpu");
        assertThat(launch("--broker", "amqp://localhost:5672", "--model", model, "--provider", "cuda")).isEqualTo(2);
        assertThat(errLine()).isEqualTo("facesweep worker: facesweep.worker.cuda.fallback: must be fail or cpu, "
                + "was 'gpu'");
        err.reset();
        System.clearProperty("facesweep.worker.cuda.fallback");

        System.setProperty("facesweep.worker.provider", "tpu");
        assertThat(launch("--broker", "amqp://localhost:5672", "--model", model)).isEqualTo(2);
        assertThat(errLine()).isEqualTo("facesweep worker: facesweep.worker.provider: 'tpu' is not in this build "
                + "(it has cpu, cuda)");
        err.reset();
        System.clearProperty("facesweep.worker.provider");

        assertThat(launch("--broker", "http://localhost:5672", "--model", model)).isEqualTo(2);
        assertThat(errLine()).isEqualTo("facesweep worker: facesweep.amqp.url: broker URL http://localhost:5672 must "
                + "start with amqp:// or amqps://");
        err.reset();

        System.setProperty("facesweep.amqp.prefetch", "many");
        assertThat(launch("--broker", "amqp://localhost:5672", "--model", model)).isEqualTo(2);
        assertThat(errLine()).startsWith("facesweep worker: facesweep.amqp.prefetch: 'many' is not usable: ");
        err.reset();

        System.setProperty("facesweep.amqp.prefetch", "0");
        assertThat(launch("--broker", "amqp://localhost:5672", "--model", model)).isEqualTo(2);
        assertThat(errLine()).isEqualTo("facesweep worker: facesweep.amqp.prefetch: must be 1 or more, was 0");
        err.reset();
        System.clearProperty("facesweep.amqp.prefetch");

        System.setProperty("facesweep.worker.decode-threads", "0");
        assertThat(launch("--broker", "amqp://localhost:5672", "--model", model)).isEqualTo(2);
        assertThat(errLine()).isEqualTo("facesweep worker: facesweep.worker.decode-threads: must be 1 or more, was 0");
    }
}
