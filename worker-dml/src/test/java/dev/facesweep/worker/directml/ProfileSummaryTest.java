package dev.facesweep.worker.directml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ProfileSummaryTest {

    /** Three DirectML nodes (one run twice), one CPU node, a Memcpy and session events. */
    private static final String PROFILE = """
            [
            {"cat" : "Session", "dur" : 500, "name" : "model_loading_uri", "args" : {}},
            {"cat" : "Node", "dur" : 100, "name" : "/attn/MatMul_kernel_time",
             "args" : {"provider" : "DmlExecutionProvider", "op_name" : "MatMul"}},
            {"cat" : "Node", "dur" : 100, "name" : "/attn/MatMul_kernel_time",
             "args" : {"provider" : "DmlExecutionProvider", "op_name" : "MatMul"}},
            {"cat" : "Node", "dur" : 50, "name" : "/ln/LayerNorm_kernel_time",
             "args" : {"provider" : "DmlExecutionProvider", "op_name" : "LayerNormalization"}},
            {"cat" : "Node", "dur" : 50, "name" : "/proj/Gemm_kernel_time",
             "args" : {"provider" : "DmlExecutionProvider", "op_name" : "Gemm"}},
            {"cat" : "Node", "dur" : 700, "name" : "/shape/Gather_kernel_time",
             "args" : {"provider" : "CPUExecutionProvider", "op_name" : "Gather"}},
            {"cat" : "Node", "dur" : 999, "name" : "Memcpy_token_kernel_time",
             "args" : {"provider" : "CPUExecutionProvider", "op_name" : "MemcpyToHost"}}
            ]
            """;

    @Test
    void countsDistinctNodesPerProviderWithoutCopies() {
        ProfileSummary s = ProfileSummary.parse(PROFILE);
        assertThat(s.totalNodes()).isEqualTo(4);
        assertThat(s.nodeFraction(ProfileSummary.DML)).isCloseTo(0.75, within(1e-12));
        assertThat(s.nodeFraction("CPUExecutionProvider")).isCloseTo(0.25, within(1e-12));
        assertThat(s.timeFraction(ProfileSummary.DML)).isCloseTo(300.0 / 1000, within(1e-12));
    }

    @Test
    void emptyAndBrokenProfiles() {
        assertThat(ProfileSummary.parse("[]").nodeFraction(ProfileSummary.DML)).isZero();
        assertThatThrownBy(() -> ProfileSummary.parse("{\"a\":1}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the profile is not a JSON array of trace events");
        assertThatThrownBy(() -> ProfileSummary.parse("[{")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the profile is not JSON");
    }
}
