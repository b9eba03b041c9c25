package dev.facesweep.coordinator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facesweep.coordinator.cli.UsageError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateOptionsTest {

    @TempDir
    Path tmp;

    @Test
    void optionThenEnvironmentThenRootThenWorkingFolder() throws Exception {
        Path root = tmp.resolve("root");
        Path option = tmp.resolve("opt");
        Map<String, String> env = Map.of(StateOptions.ENV_VAR, tmp.resolve("env").toString());
        assertThat(StateOptions.resolve(option, env, root, tmp)).isEqualTo(option);
        assertThat(StateOptions.resolve(null, env, root, tmp)).isEqualTo(tmp.resolve("env"));
        assertThat(StateOptions.resolve(null, Map.of(), root, tmp)).isEqualTo(root.resolve(".facesweep"));
        assertThatThrownBy(() -> StateOptions.resolve(null, Map.of(), null, tmp)).isInstanceOf(UsageError.class)
                .hasMessageContaining("pass --state DIR");
        Files.createDirectories(tmp.resolve(".facesweep"));
        assertThat(StateOptions.resolve(null, Map.of(), null, tmp)).isEqualTo(tmp.resolve(".facesweep"));
    }
}
