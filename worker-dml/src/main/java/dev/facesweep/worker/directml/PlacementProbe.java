package dev.facesweep.worker.directml;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs one batch of zeros through a session created with profiling enabled, ends the profile and reads where the
 * nodes ran. The profile file is deleted afterwards.
 */
final class PlacementProbe {

    private PlacementProbe() {
    }

    /**
     * @param batchSize rows for a free batch dimension (a fixed one is used as it is)
     * @throws OrtException when the run fails
     * @throws IOException when the profile cannot be read
     */
    static ProfileSummary measure(OrtSession session, String inputName, int batchSize)
            throws OrtException, IOException {
        NodeInfo input = session.getInputInfo().get(inputName);
        if (input == null || !(input.getInfo() instanceof TensorInfo info)) {
            throw new IllegalArgumentException("the model has no tensor input named " + inputName);
        }
        long[] shape = info.getShape().clone();
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] <= 0) {
                shape[i] = i == 0 ? batchSize : 1;
            }
            elements *= shape[i];
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        boolean half = info.type == OnnxJavaType.FLOAT16;
        ByteBuffer zeros = ByteBuffer.allocateDirect((int) (elements * (half ? 2 : 4))).order(ByteOrder.nativeOrder());
        try (OnnxTensor tensor = half
                ? OnnxTensor.createTensor(env, zeros.asShortBuffer(), shape, OnnxJavaType.FLOAT16)
                : OnnxTensor.createTensor(env, zeros.asFloatBuffer(), shape);
                OrtSession.Result ignored = session.run(Map.of(inputName, tensor))) {
            // only the profile matters
        }
        Path file = Path.of(session.endProfiling());
        try {
            return ProfileSummary.parse(Files.readString(file));
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
