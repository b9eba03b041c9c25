package dev.facesweep.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One opened ONNX session of a bundle (image or text model): input/output names, element types and the batch
 * dimension read from the session, runs serialised (accelerator sessions allow one run at a time).
 */
final class ModelSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelSession.class);
    private static final String PREFERRED_OUTPUT = "embedding";

    private final ModelRole role;
    private final String where;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final OnnxJavaType inputType;
    private final long[] inputShape;
    private final String outputName;
    private final OnnxJavaType outputType;
    private final int embedDim;
    private final int declaredEmbedDim;
    private final int fixedBatch;
    private final int batchSize;
    private final SessionInfo info;
    private final ReentrantLock runLock = new ReentrantLock();

    private ModelSession(ModelRole role, String where, OrtEnvironment env, OrtSession session, TensorInfo input,
            String inputName, TensorInfo output, String outputName, int embedDim, int batchSize, SessionInfo info) {
        this.role = role;
        this.where = where;
        this.env = env;
        this.session = session;
        this.inputName = inputName;
        this.inputType = input.type;
        this.inputShape = input.getShape();
        this.outputName = outputName;
        this.outputType = output.type;
        this.embedDim = embedDim;
        this.declaredEmbedDim = (int) output.getShape()[1];
        this.fixedBatch = inputShape[0] > 0 ? (int) inputShape[0] : 0;
        this.batchSize = batchSize;
        this.info = info;
    }

    /** Opens and checks the session of {@code role}; on any failure nothing stays open. */
    static ModelSession open(OrtEnvironment env, ModelBundle bundle, ModelRole role, SessionConfigurer configurer)
            throws BundleException {
        String where = "model bundle " + bundle.dir() + ": " + role.folder() + "/model.onnx";
        SessionTarget target = target(bundle, role);
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            configurer.configure(options, target);
            session = env.createSession(bundle.modelFile(role).toString(), options);
        } catch (OrtException e) {
            throw new BundleException(where + " cannot be opened with " + configurer.provider() + ": "
                    + ModelBundle.firstLine(e.getMessage()), e);
        }
        try {
            return check(env, bundle, role, where, session, target, configurer);
        } catch (BundleException | RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    private static ModelSession check(OrtEnvironment env, ModelBundle bundle, ModelRole role, String where,
            OrtSession session, SessionTarget target, SessionConfigurer configurer) throws BundleException {
        ModelConfig config = bundle.config();
        Map<String, NodeInfo> inputs;
        Map<String, NodeInfo> outputs;
        try {
            inputs = session.getInputInfo();
            outputs = session.getOutputInfo();
        } catch (OrtException e) {
            throw new BundleException(where + ": cannot read its inputs and outputs: "
                    + ModelBundle.firstLine(e.getMessage()), e);
        }
        String expected = role == ModelRole.VISUAL ? "image" : "token-id";
        if (inputs.size() != 1) {
            throw new BundleException(where + " has " + inputs.size() + " inputs " + inputs.keySet()
                    + "; expected one " + expected + " input: export encode_" + (role == ModelRole.VISUAL ? "image"
                    : "text") + " alone");
        }
        Map.Entry<String, NodeInfo> in = inputs.entrySet().iterator().next();
        if (!(in.getValue().getInfo() instanceof TensorInfo inInfo)) {
            throw new BundleException(where + ": input " + in.getKey() + " is not a tensor");
        }
        Map.Entry<String, NodeInfo> out = outputs.entrySet().stream()
                .filter(e -> e.getKey().equals(PREFERRED_OUTPUT)).findFirst()
                .orElse(outputs.entrySet().stream().findFirst().orElse(null));
        if (out == null || !(out.getValue().getInfo() instanceof TensorInfo outInfo)) {
            throw new BundleException(where + " has no tensor output; expected an embedding [N, "
                    + config.embedDim() + "]");
        }
        long[] inShape = inInfo.getShape();
        long[] outShape = outInfo.getShape();

        if (role == ModelRole.VISUAL) {
            if (inInfo.type != OnnxJavaType.FLOAT && inInfo.type != OnnxJavaType.FLOAT16) {
                throw new BundleException(where + " takes " + typeName(inInfo.type) + " images; expected float32 "
                        + "or float16");
            }
            if (inShape.length != 4 || (inShape[1] > 0 && inShape[1] != 3)) {
                throw new BundleException(where + " takes images of shape " + dims(inInfo) + "; expected [N, 3, "
                        + config.imageSize() + ", " + config.imageSize() + "]");
            }
            for (int axis = 2; axis < 4; axis++) {
                if (inShape[axis] > 0 && inShape[axis] != config.imageSize()) {
                    throw new BundleException(where + " takes " + inShape[2] + "x" + inShape[3] + " images but "
                            + "config.json vision_cfg.image_size is " + config.imageSize());
                }
            }
        } else {
            if (inInfo.type != OnnxJavaType.INT32 && inInfo.type != OnnxJavaType.INT64) {
                throw new BundleException(where + " takes " + typeName(inInfo.type) + " token ids; expected int32 "
                        + "or int64");
            }
            if (inShape.length != 2) {
                throw new BundleException(where + " takes token ids of shape " + dims(inInfo) + "; expected [N, "
                        + config.contextLength() + "]");
            }
            if (inShape[1] > 0 && inShape[1] != config.contextLength()) {
                throw new BundleException(where + " takes " + inShape[1] + " tokens but config.json "
                        + "text_cfg.context_length is " + config.contextLength());
            }
            if (inShape[1] <= 0) {
                throw new BundleException(where + " has a free token dimension; export it with a fixed context "
                        + "length of " + config.contextLength());
            }
        }
        if (outInfo.type != OnnxJavaType.FLOAT && outInfo.type != OnnxJavaType.FLOAT16) {
            throw new BundleException(where + " outputs " + typeName(outInfo.type) + " embeddings; expected float32 "
                    + "or float16");
        }
        if (outShape.length != 2) {
            throw new BundleException(where + " outputs " + out.getKey() + " of shape " + dims(outInfo)
                    + "; expected an embedding [N, " + config.embedDim() + "]");
        }

        int batchSize = inShape[0] > 0 ? (int) inShape[0] : configurer.batchSize(role);
        if (batchSize < 1) {
            throw new IllegalStateException(configurer.provider() + " configurer asked for batch size " + batchSize);
        }
        String inUse;
        try {
            inUse = configurer.providerInUse(session, target);
        } catch (OrtException | RuntimeException e) {
            log.warn("{}: cannot tell which provider is in use ({}); reporting the configured {}", where,
                    ModelBundle.firstLine(e.getMessage()), configurer.provider());
            inUse = configurer.provider();
        }
        SessionInfo info = new SessionInfo(role, in.getKey(), typeName(inInfo.type), dims(inInfo), out.getKey(),
                typeName(outInfo.type), dims(outInfo),
                inShape[0] > 0 ? OptionalInt.of((int) inShape[0]) : OptionalInt.empty(), batchSize,
                configurer.provider(), inUse);
        log.info("opened {}: {}", role, info.format());
        return new ModelSession(role, where, env, session, inInfo, in.getKey(), outInfo, out.getKey(),
                config.embedDim(), batchSize, info);
    }

    /** What the configurer learns before the session exists, read from the file without loading weights. */
    static SessionTarget target(ModelBundle bundle, ModelRole role) {
        var file = bundle.modelFile(role);
        try {
            List<OnnxGraphInputs.Input> inputs = OnnxGraphInputs.read(file);
            if (inputs.size() == 1 && !inputs.get(0).dims().isEmpty()) {
                OnnxGraphInputs.Input input = inputs.get(0);
                OnnxGraphInputs.Dim batch = input.dims().get(0);
                return new SessionTarget(role, file, input.name(),
                        batch.fixed() || batch.param().isEmpty() ? Optional.empty() : Optional.of(batch.param()),
                        batch.fixed() ? OptionalLong.of(batch.value()) : OptionalLong.empty());
            }
            log.warn("{}/model.onnx has {} inputs; cannot name its batch dimension", role.folder(), inputs.size());
        } catch (IOException | RuntimeException e) {
            log.warn("{}/model.onnx: cannot read its graph inputs ({}); its batch dimension cannot be fixed",
                    role.folder(), e.getMessage());
        }
        return new SessionTarget(role, file, "", Optional.empty(), OptionalLong.empty());
    }

    SessionInfo info() {
        return info;
    }

    int batchSize() {
        return batchSize;
    }

    /** The embedding width the session declares, or -1 when its output dimension is free. */
    int declaredEmbedDim() {
        return declaredEmbedDim;
    }

    /** "model bundle X: visual/model.onnx", for messages. */
    String where() {
        return where;
    }

    boolean fixedBatch() {
        return fixedBatch > 0;
    }

    /** Embeddings (not normalised) of {@code count} images laid out NCHW in {@code pixels} from index 0. */
    float[][] embedImages(float[] pixels, int count) {
        int perImage = (int) (inputShape[1] * inputShape[2] * inputShape[3]);
        if (count < 0 || (long) count * perImage > pixels.length) {
            throw new IllegalArgumentException(count + " images need " + (long) count * perImage
                    + " floats, the buffer has " + pixels.length);
        }
        float[][] out = new float[count][];
        for (Batching.Chunk chunk : Batching.plan(count, batchSize, fixedBatch())) {
            long[] shape = {chunk.runSize(), inputShape[1], inputShape[2], inputShape[3]};
            FloatBuffer data = directFloats(chunk.runSize() * perImage);
            data.put(pixels, chunk.start() * perImage, chunk.count() * perImage);
            data.rewind(); // the padding rows stay zero
            runChunk(chunk, out, () -> inputType == OnnxJavaType.FLOAT16
                    ? OnnxTensor.createTensor(env, Fp16Conversions.convertFloatBufferToFp16Buffer(data), shape,
                            OnnxJavaType.FLOAT16)
                    : OnnxTensor.createTensor(env, data, shape));
        }
        return out;
    }

    /** Embeddings (not normalised) of token-id rows, each padded with 0 to the context length. */
    float[][] embedTokens(List<int[]> rows) {
        int context = (int) inputShape[1];
        float[][] out = new float[rows.size()][];
        for (Batching.Chunk chunk : Batching.plan(rows.size(), batchSize, fixedBatch())) {
            long[] shape = {chunk.runSize(), context};
            ByteBuffer bytes = ByteBuffer.allocateDirect(chunk.runSize() * context
                    * (inputType == OnnxJavaType.INT32 ? Integer.BYTES : Long.BYTES)).order(ByteOrder.nativeOrder());
            if (inputType == OnnxJavaType.INT32) {
                IntBuffer ids = bytes.asIntBuffer();
                for (int i = 0; i < chunk.count(); i++) {
                    ids.position(i * context);
                    ids.put(row(rows.get(chunk.start() + i), context));
                }
                runChunk(chunk, out, () -> OnnxTensor.createTensor(env, ids.rewind(), shape));
            } else {
                LongBuffer ids = bytes.asLongBuffer();
                for (int i = 0; i < chunk.count(); i++) {
                    ids.position(i * context);
                    for (int id : row(rows.get(chunk.start() + i), context)) {
                        ids.put(id);
                    }
                }
                runChunk(chunk, out, () -> OnnxTensor.createTensor(env, ids.rewind(), shape));
            }
        }
        return out;
    }

    private static int[] row(int[] ids, int context) {
        if (ids.length > context) {
            throw new IllegalArgumentException(ids.length + " token ids exceed the context length " + context);
        }
        return ids;
    }

    private interface TensorFactory {
        OnnxTensor create() throws OrtException;
    }

    private void runChunk(Batching.Chunk chunk, float[][] out, TensorFactory input) {
        runLock.lock();
        try (OnnxTensor tensor = input.create();
                OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            OnnxValue value = result.get(outputName)
                    .orElseThrow(() -> new InferenceException(where + " returned no " + outputName));
            if (!(value instanceof OnnxTensor embeddings)) {
                throw new InferenceException(where + " returned a non-tensor " + outputName);
            }
            long[] shape = embeddings.getInfo().getShape();
            if (shape.length != 2 || shape[0] != chunk.runSize() || shape[1] != embedDim) {
                throw new InferenceException(where + " returned " + outputName + " of shape "
                        + java.util.Arrays.toString(shape) + " for " + chunk.runSize() + " inputs; expected ["
                        + chunk.runSize() + ", " + embedDim + "]");
            }
            FloatBuffer floats = outputType == OnnxJavaType.FLOAT16
                    ? Fp16Conversions.convertFp16BufferToFloatBuffer(embeddings.getShortBuffer())
                    : embeddings.getFloatBuffer();
            for (int i = 0; i < chunk.count(); i++) {
                float[] row = new float[embedDim];
                floats.position(i * embedDim);
                floats.get(row);
                if (!Embeddings.isFinite(row)) {
                    throw new InferenceException(where + " produced non-finite values (NaN or infinity) for item "
                            + (chunk.start() + i) + "; check the provider (" + info.providerInUse() + ")");
                }
                out[chunk.start() + i] = row;
            }
        } catch (OrtException e) {
            throw new InferenceException(where + ": run of " + chunk.runSize() + " " + role + " inputs failed: "
                    + ModelBundle.firstLine(e.getMessage()), e);
        } finally {
            runLock.unlock();
        }
    }

    private static FloatBuffer directFloats(int count) {
        return ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static List<String> dims(TensorInfo info) {
        long[] shape = info.getShape();
        String[] names = info.getDimensionNames();
        List<String> out = new ArrayList<>(shape.length);
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] >= 0) {
                out.add(Long.toString(shape[i]));
            } else {
                out.add(names != null && i < names.length && !names[i].isEmpty() ? names[i] : "?");
            }
        }
        return out;
    }

    static String typeName(OnnxJavaType type) {
        return switch (type) {
            case FLOAT -> "float32";
            case FLOAT16 -> "float16";
            case BFLOAT16 -> "bfloat16";
            case DOUBLE -> "float64";
            case INT8 -> "int8";
            case UINT8 -> "uint8";
            case INT16 -> "int16";
            case INT32 -> "int32";
            case INT64 -> "int64";
            default -> type.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            log.warn("closing a rejected session failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() throws OrtException {
        runLock.lock();
        try {
            session.close();
        } finally {
            runLock.unlock();
        }
    }
}
