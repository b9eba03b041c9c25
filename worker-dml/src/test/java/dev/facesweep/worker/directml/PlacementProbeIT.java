package dev.facesweep.worker.directml;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.facesweep.model.BundleException;
import dev.facesweep.model.ClipModel;
import dev.facesweep.model.CpuSessionConfigurer;
import dev.facesweep.model.ModelBundle;
import dev.facesweep.model.ModelRole;
import dev.facesweep.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up checks on a real session of the fixture model (on the CPU provider, which this machine has). */
class PlacementProbeIT {

    @TempDir
    Path tmp;

    @Test
    void aProfiledRunShowsEveryNodeOnTheCpuAndNoneOnDirectMl() throws Exception {
        Path model = Fixtures.clipTinyModel().resolve("visual/model.onnx");
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.enableProfiling(tmp.resolve("probe").toString());
            try (OrtSession session = OrtEnvironment.getEnvironment().createSession(model.toString(), options)) {
                ProfileSummary summary = PlacementProbe.measure(session, "image", 2);
                assertThat(summary.totalNodes()).isGreaterThan(10);
                assertThat(summary.nodeFraction("CPUExecutionProvider")).isEqualTo(1.0);
                assertThat(summary.nodeFraction(ProfileSummary.DML)).isZero();
            }
        }
        try (var left = Files.list(tmp)) {
            assertThat(left).as("profile files are deleted").isEmpty();
        }
    }

    @Test
    void theSelfTestAgreesWithItselfOnTheCpu() throws BundleException {
        try (ClipModel cpu = ClipModel.open(ModelBundle.load(Fixtures.clipTinyModel()), new CpuSessionConfigurer(1, 2),
                ModelRole.VISUAL)) {
            double cosine = EmbeddingSelfTest.cosineToCpu(cpu);
            assertThat(cosine).isGreaterThan(0.999999).isLessThanOrEqualTo(1.000001);
        }
    }
}
