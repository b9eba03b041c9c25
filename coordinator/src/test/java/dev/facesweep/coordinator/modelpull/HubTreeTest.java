package dev.facesweep.coordinator.modelpull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.facesweep.coordinator.modelpull.ModelPullException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class HubTreeTest {

    /** The shape of an Immich repository listing: variants for other runtimes beside the plain ONNX files. */
    private static final String IMMICH_LISTING = """
            [
             {"type":"file","oid":"a1","size":1519,"path":".gitattributes"},
             {"type":"file","oid":"a2","size":690,"path":"config.json"},
             {"type":"directory","oid":"d1","size":0,"path":"textual"},
             {"type":"file","oid":"a3","size":524657,"path":"textual/merges.txt"},
             {"type":"file","oid":"a4","size":134,"path":"textual/model.onnx",
              "lfs":{"oid":"%s","size":494002176,"pointerSize":134}},
             {"type":"file","oid":"a5","size":588,"path":"textual/special_tokens_map.json"},
             {"type":"file","oid":"a6","size":2224003,"path":"textual/tokenizer.json"},
             {"type":"file","oid":"a7","size":705,"path":"textual/tokenizer_config.json"},
             {"type":"file","oid":"a8","size":862328,"path":"textual/vocab.json"},
             {"type":"directory","oid":"d2","size":0,"path":"textual/fp16"},
             {"type":"file","oid":"a9","size":247000000,"path":"textual/fp16/model.armnn"},
             {"type":"file","oid":"b1","size":1215000000,"path":"visual/model.onnx",
              "lfs":{"oid":"%s","size":1215000000,"pointerSize":135}},
             {"type":"file","oid":"b2","size":244,"path":"visual/preprocess_cfg.json"},
             {"type":"file","oid":"b3","size":600000000,"path":"visual/rknpu/rk3588/model.rknn"}
            ]
            """.formatted("ab".repeat(32), "CD".repeat(32));

    @Test
    void picksTheBundleFilesAndLeavesOtherVariants() throws Exception {
        List<RemoteFile> files = HubTree.bundleFiles(parse(IMMICH_LISTING), "immich-app/X");

        assertThat(files).extracting(RemoteFile::path).containsExactly(
                "config.json", "visual/preprocess_cfg.json", "textual/tokenizer.json", "textual/vocab.json",
                "textual/merges.txt", "textual/special_tokens_map.json", "textual/tokenizer_config.json",
                "textual/model.onnx", "visual/model.onnx");
        RemoteFile text = files.get(7);
        assertThat(text.size()).as("LFS size, not the pointer size").isEqualTo(494002176L);
        assertThat(text.sha256()).isEqualTo("ab".repeat(32));
        assertThat(files.get(8).sha256()).as("lower-cased").isEqualTo("cd".repeat(32));
        assertThat(files.get(0).sha256()).as("git blob ids are not SHA-256").isNull();
    }

    @Test
    void bundleWithoutTokenizerIsRefused() throws Exception {
        String listing = """
                [{"type":"file","size":1,"path":"config.json"},
                 {"type":"file","size":1,"path":"visual/model.onnx"},
                 {"type":"file","size":1,"path":"visual/preprocess_cfg.json"},
                 {"type":"file","size":1,"path":"textual/model.onnx"}]""";

        assertThatThrownBy(() -> HubTree.bundleFiles(parse(listing), "immich-app/X"))
                .isInstanceOfSatisfying(ModelPullException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_A_BUNDLE))
                .hasMessageContaining("no textual/tokenizer.json or textual/bpe_simple_vocab_16e6.txt.gz");
    }

    @Test
    void listingThatIsNotAJsonArrayIsABadResponse() {
        assertThatThrownBy(() -> parse("<html>login</html>"))
                .isInstanceOfSatisfying(ModelPullException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_RESPONSE))
                .hasMessageContaining("http://hub/listing");
        assertThatThrownBy(() -> parse("{\"error\":\"x\"}")).hasMessageContaining("not a JSON array");
    }

    private static List<RemoteFile> parse(String json) throws ModelPullException {
        return HubTree.parse(json.getBytes(StandardCharsets.UTF_8), "http://hub/listing");
    }
}
