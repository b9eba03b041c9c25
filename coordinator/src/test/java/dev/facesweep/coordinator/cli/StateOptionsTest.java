package dev.facesweep.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one place every command resolves {@code --state}. */
class StateOptionsTest {

    @TempDir
    Path tmp;

    @Test
    void stateFolderIsOptionThenEnvironmentThenRootThenWorkingFolder() throws Exception {
        Path root = tmp.resolve("root");
        Path option = tmp.resolve("opt");
        Map<String, String> env = Map.of(Environment.STATE, tmp.resolve("env").toString());
        assertThat(StateOptions.resolve(option, env, root, tmp, false)).isEqualTo(option);
        assertThat(StateOptions.resolve(null, env, root, tmp, false)).isEqualTo(tmp.resolve("env"));
        assertThat(StateOptions.resolve(null, Map.of(Environment.STATE, " "), root, tmp, false))
                .isEqualTo(root.resolve(".facesweep"));
        assertThat(StateOptions.resolve(null, Map.of(), root, tmp, false)).isEqualTo(root.resolve(".facesweep"));
        assertThatThrownBy(() -> StateOptions.resolve(null, Map.of(), null, tmp, false))
                .isInstanceOf(UsageError.class)
                .hasMessageContaining("pass --state DIR").hasMessageContaining(Environment.STATE);
        assertThat(StateOptions.resolve(null, Map.of(), null, tmp, true)).isEqualTo(tmp.resolve(".facesweep"));
        assertThat(tmp.resolve(".facesweep")).doesNotExist();
        Files.createDirectories(tmp.resolve(".facesweep"));
        assertThat(StateOptions.resolve(null, Map.of(), null, tmp, false)).isEqualTo(tmp.resolve(".facesweep"));
    }

}
