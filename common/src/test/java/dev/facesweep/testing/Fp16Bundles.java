package dev.facesweep.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * float16 copies of the clip-tiny fixture bundle, the way the exporter's {@code --fp16} makes them for GPU workers:
 * the image model converted by {@code fp16/to_fp16.py} (this test-jar's resources; every initializer cast to
 * float16, LayerNormalization kept in float32 with Casts around it), everything else copied.
 *
 * <p>Needs Debian's {@code python3-onnx} and {@code python3-numpy} for {@code /usr/bin/python3} (or the Python in
 * {@code FACESWEEP_PYTHON}); without them the calling test fails saying how to install them.
 */
public final class Fp16Bundles {

    private Fp16Bundles() {
    }

    /**
     * Writes the fp16 bundle to {@code target} (created) and returns it.
     *
     * @param keepIoTypes keep the graph's input and output float32 (Casts right after the input and before the
     *     output, like onnxconverter-common's {@code keep_io_types}); false makes them float16
     */
    public static Path make(Path target, boolean keepIoTypes) throws IOException, InterruptedException {
        copyClipTinyModel(target);
        Path model = target.resolve("visual/model.onnx");
        Files.delete(model);
        Path script = Files.createTempFile("to_fp16", ".py");
        try {
            try (InputStream in = Fp16Bundles.class.getResourceAsStream("/fp16/to_fp16.py")) {
                if (in == null) {
                    fail("fp16/to_fp16.py is not on the test classpath (facesweep-common's test-jar)");
                }
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            List<String> command = new ArrayList<>(List.of(python(), script.toString(),
                    Fixtures.clipTinyModel().resolve("visual/model.onnx").toString(), model.toString()));
            if (keepIoTypes) {
                command.add("--keep-io-types");
            }
            run(command, "converting the fixture image model to float16");
        } finally {
            Files.deleteIfExists(script);
        }
        return target;
    }

    /** Copies the clip-tiny fixture bundle to {@code target} (created, every file writable) and returns it. */
    public static Path copyClipTinyModel(Path target) {
        Path source = Fixtures.clipTinyModel();
        try (Stream<Path> files = Files.walk(source)) {
            files.forEach(file -> {
                Path to = target.resolve(source.relativize(file).toString());
                try {
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(file, to);
                        to.toFile().setWritable(true);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    private static String python() throws IOException, InterruptedException {
        String configured = System.getenv("FACESWEEP_PYTHON");
        String python = configured == null || configured.isBlank() ? "/usr/bin/python3" : configured.strip();
        String install = "apt-get install -y python3-onnx python3-numpy";
        if (!Files.isExecutable(Path.of(python))) {
            fail(python + " not found: this test converts the fixture model with Python's onnx package; "
                    + install + " (or set FACESWEEP_PYTHON to a Python that has onnx and numpy)");
        }
        try {
            run(List.of(python, "-c", "import onnx, numpy"), "importing onnx and numpy");
        } catch (AssertionError e) {
            fail(python + " cannot import onnx and numpy: " + install + " (or set FACESWEEP_PYTHON); " + e.getMessage());
        }
        return python;
    }

    private static void run(List<String> command, String what) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(what + " did not finish in 120 s");
        }
        if (process.exitValue() != 0) {
            fail(what + " failed (exit " + process.exitValue() + "): "
                    + new String(output, StandardCharsets.UTF_8).strip());
        }
    }
}
