package dev.facesweep.model;

import dev.facesweep.imaging.ClipImagePreprocessor;
import dev.facesweep.imaging.DecodeLimits;
import dev.facesweep.imaging.ImagePreprocessor;
import dev.facesweep.imaging.PreprocessConfig;
import dev.facesweep.tokenizer.ClipTokenizer;
import dev.facesweep.tokenizer.ClipTokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A CLIP model bundle in the Immich-compatible layout:
 *
 * <pre>
 * &lt;dir&gt;/config.json                 open_clip model config (+ optional logit_scale, model_name, pretrained)
 * &lt;dir&gt;/visual/model.onnx           image [N,3,H,W] -&gt; embedding [N,D]
 * &lt;dir&gt;/visual/preprocess_cfg.json  size, mean, std, interpolation, resize_mode, fill_color
 * &lt;dir&gt;/textual/model.onnx          token ids [N,77] -&gt; embedding [N,D]
 * &lt;dir&gt;/textual/bpe_simple_vocab_16e6.txt.gz  or  &lt;dir&gt;/textual/tokenizer.json
 * </pre>
 *
 * <p>{@link #load(Path)} checks that the files exist and that config.json and preprocess_cfg.json are sound and
 * agree; it does not open ONNX sessions or load the tokenizer (see {@link ClipModel}, {@link #tokenizer()} and
 * {@link BundleValidator}).
 *
 * <h2>Identifiers</h2>
 * <ul>
 *   <li>{@link #modelId()} = {@code <model_name>[/<pretrained>]@<first 12 hex digits of sha256(visual/model.onnx)>},
 *       e.g. {@code ViT-L-14/dfn2b_s39b@3f2a9c01d4e7}. It identifies image embeddings: two bundles with the same
 *       visual model file give the same embeddings, whatever their text side. {@code model_name} falls back to
 *       the bundle folder's name.</li>
 *   <li>{@link #textualDigest()} = first 12 hex digits of sha256 over textual/model.onnx followed by the
 *       tokenizer file. It changes when prompt embeddings could change.</li>
 *   <li>{@link #scoringId()} = {@code <modelId>;text=<textualDigest>;logit_scale=<logitScale>}: everything of the
 *       model that a score depends on besides the image; the prompt-set hash is computed over it.</li>
 * </ul>
 * Both digests are computed once per load by streaming the files (a ViT-L-14 bundle, ~1.7 GB, takes a few
 * seconds).
 *
 * @param dir the bundle folder (absolute, normalised)
 * @param config the parsed config.json
 * @param visualModel visual/model.onnx
 * @param preprocessConfigFile visual/preprocess_cfg.json
 * @param preprocess the parsed preprocess_cfg.json
 * @param textualModel textual/model.onnx
 * @param tokenizerFile the tokenizer file in textual/
 * @param tokenizerKind which tokenizer form the bundle carries
 * @param modelId stable id of the image model, see above
 * @param textualDigest short digest of the text model and tokenizer, see above
 */
public record ModelBundle(
        Path dir,
        ModelConfig config,
        Path visualModel,
        Path preprocessConfigFile,
        PreprocessConfig preprocess,
        Path textualModel,
        Path tokenizerFile,
        TokenizerKind tokenizerKind,
        String modelId,
        String textualDigest) {

    private static final Logger log = LoggerFactory.getLogger(ModelBundle.class);
    private static final int SHORT_DIGEST_HEX = 12;
    private static final String PREPROCESS_CFG = "visual/preprocess_cfg.json";
    private static final String EXPORT_HINT =
            "export it with tools/export_openclip.py or point --model at an Immich-format bundle";

    /** The folder with this role's model and its side files ({@code visual/} or {@code textual/}). */
    public Path roleDir(ModelRole role) {
        return dir.resolve(role.folder());
    }

    public Path modelFile(ModelRole role) {
        return role == ModelRole.VISUAL ? visualModel : textualModel;
    }

    /** The id scores depend on: {@code <modelId>;text=<textualDigest>;logit_scale=<logitScale>}. */
    public String scoringId() {
        return modelId + ";text=" + textualDigest + ";logit_scale=" + config.logitScale();
    }

    /**
     * Reads and checks a bundle folder.
     *
     * @throws BundleException naming the missing or malformed part
     */
    public static ModelBundle load(Path dir) throws BundleException {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new BundleException("model bundle " + root + " is not a folder: point --model at a folder with "
                    + "config.json, visual/ and textual/");
        }
        ModelConfig config = readConfig(root);
        Path visual = requireFile(root, "visual/model.onnx", EXPORT_HINT);
        PreprocessConfig preprocess = readPreprocessConfig(root, config);
        Path textual = requireFile(root, "textual/model.onnx", EXPORT_HINT);
        TokenizerKind kind = null;
        for (TokenizerKind k : TokenizerKind.values()) {
            if (Files.isRegularFile(root.resolve("textual").resolve(k.fileName()))) {
                kind = k;
                break;
            }
        }
        if (kind == null) {
            throw new BundleException("model bundle " + root + " has no tokenizer in textual/: add "
                    + TokenizerKind.OPEN_CLIP_BPE.fileName() + " (open_clip) or "
                    + TokenizerKind.HF_TOKENIZER_JSON.fileName() + " (Hugging Face)");
        }
        Path tokenizer = root.resolve("textual").resolve(kind.fileName());

        String visualDigest = shortSha256(root, visual);
        String textualDigest = shortSha256(root, textual, tokenizer);
        String modelId = config.modelName() + config.pretrained().map(p -> "/" + p).orElse("") + "@" + visualDigest;
        return new ModelBundle(root, config, visual, root.resolve(PREPROCESS_CFG), preprocess, textual, tokenizer,
                kind, modelId, textualDigest);
    }

    /**
     * Loads the bundle's tokenizer (open_clip's BPE vocabulary when present, else tokenizer.json) for the text
     * model's context length.
     *
     * @throws BundleException when the tokenizer file is unreadable or malformed
     */
    public ClipTokenizer tokenizer() throws BundleException {
        try {
            return ClipTokenizers.load(roleDir(ModelRole.TEXTUAL), config.contextLength());
        } catch (IllegalArgumentException e) {
            throw new BundleException("model bundle " + dir + ": textual/" + tokenizerFile.getFileName()
                    + " cannot be used: " + e.getMessage(), e);
        }
    }

    /** open_clip's eval transform as this bundle's preprocess_cfg.json describes it. */
    public ImagePreprocessor imagePreprocessor(DecodeLimits limits) {
        return new ClipImagePreprocessor(preprocess, limits);
    }

    private static PreprocessConfig readPreprocessConfig(Path root, ModelConfig config) throws BundleException {
        Path file = requireFile(root, PREPROCESS_CFG,
                "export the bundle with tools/export_openclip.py, which writes the model's size, mean and std");
        String where = "model bundle " + root + ": " + PREPROCESS_CFG;
        PreprocessConfig preprocess;
        try {
            preprocess = PreprocessConfig.parse(readJson(file, where));
        } catch (IllegalArgumentException e) {
            throw new BundleException(where + ": " + e.getMessage(), e);
        }
        if (preprocess.width() != config.imageSize() || preprocess.height() != config.imageSize()) {
            throw new BundleException(where + " size " + preprocess.height() + "x" + preprocess.width()
                    + " differs from config.json vision_cfg.image_size " + config.imageSize()
                    + ": re-export the bundle so both describe the model's input");
        }
        return preprocess;
    }

    private static JsonNode readJson(Path file, String where) throws BundleException {
        try {
            return JsonMapper.shared().readTree(file.toFile());
        } catch (JacksonException e) {
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            throw new BundleException(where + " is not valid JSON" + (line > 0 ? " (line " + line + ")" : "")
                    + ": " + firstLine(e.getOriginalMessage()), e);
        }
    }

    private static Path requireFile(Path root, String relative, String hint) throws BundleException {
        Path file = root.resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new BundleException("model bundle " + root + " has no " + relative + ": " + hint);
        }
        if (!Files.isReadable(file)) {
            throw new BundleException("model bundle " + root + ": " + relative + " is not readable: check its "
                    + "permissions");
        }
        return file;
    }

    private static ModelConfig readConfig(Path root) throws BundleException {
        Path file = requireFile(root, "config.json",
                "it must hold the open_clip model config (embed_dim, vision_cfg, text_cfg); " + EXPORT_HINT);
        String where = "model bundle " + root + ": config.json";
        JsonNode json = readJson(file, where);
        if (json == null || !json.isObject()) {
            throw new BundleException(where + " is not a JSON object: it must hold the open_clip model config");
        }
        int embedDim = positiveInt(json.path("embed_dim"), where, "embed_dim", -1);
        int imageSize = imageSize(json.path("vision_cfg").path("image_size"), where);
        JsonNode text = json.path("text_cfg");
        int context = positiveInt(text.path("context_length"), where, "text_cfg.context_length",
                ModelConfig.DEFAULT_CONTEXT_LENGTH);
        int vocab = positiveInt(text.path("vocab_size"), where, "text_cfg.vocab_size", ModelConfig.DEFAULT_VOCAB_SIZE);
        boolean quickGelu = json.path("quick_gelu").asBoolean(false);

        JsonNode scaleNode = json.path("logit_scale");
        double logitScale;
        boolean declared = !scaleNode.isMissingNode() && !scaleNode.isNull();
        if (declared) {
            if (!scaleNode.isNumber() || !Double.isFinite(scaleNode.doubleValue()) || scaleNode.doubleValue() <= 0) {
                throw new BundleException(where + ": logit_scale " + scaleNode + " is not a positive number: write "
                        + "logit_scale.exp() of the checkpoint (about 100 for trained CLIP models)");
            }
            logitScale = scaleNode.doubleValue();
            if (logitScale < 10) {
                log.warn("{}: logit_scale {} looks like log(scale); config.json should hold logit_scale.exp() "
                        + "(about 100 for trained CLIP models)", where, logitScale);
            }
        } else {
            logitScale = ModelConfig.DEFAULT_LOGIT_SCALE;
            log.warn("{} has no logit_scale; using {} (where trained CLIP models sit). Write logit_scale.exp() of "
                    + "the checkpoint into config.json to be exact", where, logitScale);
        }
        String modelName = optionalString(json, "model_name").orElse(root.getFileName().toString());
        Optional<String> pretrained = optionalString(json, "pretrained");
        return new ModelConfig(embedDim, imageSize, context, vocab, quickGelu, logitScale, declared, modelName,
                pretrained);
    }

    private static int positiveInt(JsonNode node, String where, String name, int fallback) throws BundleException {
        if (node.isMissingNode() || node.isNull()) {
            if (fallback > 0) {
                return fallback;
            }
            throw new BundleException(where + " has no " + name + ": it must hold the open_clip model config");
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() <= 0) {
            throw new BundleException(where + ": " + name + " " + node + " is not a positive integer");
        }
        return node.intValue();
    }

    private static int imageSize(JsonNode node, String where) throws BundleException {
        String name = "vision_cfg.image_size";
        if (node.isArray()) {
            if (node.size() != 2 || !node.get(0).equals(node.get(1))) {
                throw new BundleException(where + ": " + name + " " + node + " is not square; only square image "
                        + "models are supported");
            }
            return positiveInt(node.get(0), where, name, -1);
        }
        return positiveInt(node, where, name, -1);
    }

    private static Optional<String> optionalString(JsonNode json, String name) {
        JsonNode node = json.path(name);
        if (!node.isString() || node.stringValue().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(node.stringValue().strip());
    }

    private static String shortSha256(Path root, Path... files) throws BundleException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        byte[] buffer = new byte[1 << 20];
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
            } catch (IOException e) {
                throw new BundleException("model bundle " + root + ": cannot read " + root.relativize(file) + ": "
                        + e.getMessage(), e);
            }
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, SHORT_DIGEST_HEX);
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }
}
