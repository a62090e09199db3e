package dev.cod.node.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.common.ErrorCode;
import dev.cod.common.RetriableCodException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fast checks that need no Docker Engine; the real runs are in {@link DockerExecutorIT}. */
class DockerExecutorTest {

  @TempDir Path tmp;

  @Test
  void acceptsOnlyALocalSocket() {
    assertThatThrownBy(() -> new DockerExecutor(URI.create("tcp://10.0.0.1:2375")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("local socket");
    assertThatThrownBy(() -> new DockerExecutor(URI.create("unix:///x.sock"), Path.of("rel")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anUnreachableEngineIsRetriableAndLeavesNoResult() throws Exception {
    Path inputs = Files.createDirectories(tmp.resolve("inputs"));
    Path result = tmp.resolve("result");
    try (DockerExecutor executor =
        new DockerExecutor(URI.create("unix://" + tmp.resolve("no-such.sock")), tmp)) {
      ExecutionRequest request =
          new ExecutionRequest(
              "1", "cod/busybox:local", List.of("true"), List.of(), Map.of(), inputs, result,
              ResourceLimits.DEFAULT);

      assertThat(executor.engine()).isEqualTo("docker");
      assertThat(executor.isInstalled()).isFalse();
      assertThat(executor.canRun(request)).isFalse();
      assertThatThrownBy(() -> executor.run(request))
          .isInstanceOfSatisfying(
              RetriableCodException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.DOCKER_UNAVAILABLE))
          .hasMessageContaining("not reachable at unix://");
      assertThat(result).doesNotExist();
    }
  }
}
