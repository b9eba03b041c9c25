package dev.facesweep.coordinator.modelpull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a hub tree listing ({@code GET /api/models/{repo}/tree/main?recursive=true}: a JSON array of
 * {@code {type, path, size, lfs?}}) and picks the files an Immich-format CLIP bundle consists of.
 */
final class HubTree {

    /** Files every bundle needs. */
    static final List<String> REQUIRED = List.of(
            "config.json", "visual/model.onnx", "visual/preprocess_cfg.json", "textual/model.onnx");
    /** Tokenizer files: at least one of the first two must exist; the others are taken when present. */
    static final List<String> TOKENIZER = List.of(
            "textual/tokenizer.json", "textual/bpe_simple_vocab_16e6.txt.gz", "textual/vocab.json",
            "textual/merges.txt", "textual/special_tokens_map.json", "textual/tokenizer_config.json");

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private HubTree() {
    }

    /** Parses one page of a listing; directories are left out. */
    static List<RemoteFile> parse(byte[] json, String source) throws ModelPullException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw notAListing(source, "not JSON");
        }
        if (root == null || !root.isArray()) {
            throw notAListing(source, "not a JSON array");
        }
        List<RemoteFile> files = new ArrayList<>();
        for (JsonNode entry : root.values()) {
            String path = entry.path("path").asString("");
            if (!"file".equals(entry.path("type").asString("")) || path.isEmpty()) {
                continue;
            }
            JsonNode lfs = entry.path("lfs");
            long size = lfs.isObject() ? lfs.path("size").asLong(-1) : entry.path("size").asLong(-1);
            String oid = lfs.isObject() ? lfs.path("oid").asString("").toLowerCase(Locale.ROOT) : "";
            files.add(new RemoteFile(path, size, SHA256.matcher(oid).matches() ? oid : null));
        }
        return files;
    }

    /**
     * The bundle files of a listing, in download order (small files first, so a broken bundle fails fast).
     * Other variants in the repository (fp16/, armnn, rknpu, ...) are left out.
     */
    static List<RemoteFile> bundleFiles(List<RemoteFile> listing, String repository) throws ModelPullException {
        Map<String, RemoteFile> byPath = new LinkedHashMap<>();
        listing.forEach(f -> byPath.put(f.path(), f));
        List<String> missing = REQUIRED.stream().filter(p -> !byPath.containsKey(p)).toList();
        if (!missing.isEmpty()) {
            throw new ModelPullException(ModelPullException.Reason.NOT_A_BUNDLE, repository + " has no "
                    + String.join(", ", missing) + ": it is not an Immich-format CLIP bundle "
                    + "(try e.g. ViT-L-14-quickgelu__dfn2b, or export one with tools/export_openclip.py)");
        }
        if (!byPath.containsKey(TOKENIZER.get(0)) && !byPath.containsKey(TOKENIZER.get(1))) {
            throw new ModelPullException(ModelPullException.Reason.NOT_A_BUNDLE, repository
                    + " has no textual/tokenizer.json or textual/bpe_simple_vocab_16e6.txt.gz: the bundle has no"
                    + " tokenizer");
        }
        List<RemoteFile> selected = new ArrayList<>();
        for (String path : List.of("config.json", "visual/preprocess_cfg.json")) {
            selected.add(byPath.get(path));
        }
        TOKENIZER.stream().filter(byPath::containsKey).map(byPath::get).forEach(selected::add);
        selected.add(byPath.get("textual/model.onnx"));
        selected.add(byPath.get("visual/model.onnx"));
        for (RemoteFile file : selected) {
            if (file.size() < 0) {
                throw new ModelPullException(ModelPullException.Reason.BAD_RESPONSE, "the listing of " + repository
                        + " gives no size for " + file.path() + ": check the hub URL (" + PullConfig.ENDPOINT_ENV + ")");
            }
        }
        return List.copyOf(selected);
    }

    private static ModelPullException notAListing(String source, String what) {
        return new ModelPullException(ModelPullException.Reason.BAD_RESPONSE, "the file listing from " + source + " is "
                + what + ": check the hub URL (" + PullConfig.ENDPOINT_ENV + ")");
    }
}
