package dev.cod.node.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecutionRequestTest {

  private static final Path INPUTS = Path.of("/data/job-1/inputs");
  private static final Path RESULT = Path.of("/data/job-1/result");

  private static ExecutionRequest request(
      String jobId, String image, Map<String, String> env, Path inputs, Path result) {
    return new ExecutionRequest(
        jobId,
        image,
        List.of("sh", "-c"),
        List.of("echo hi"),
        env,
        inputs,
        result,
        ResourceLimits.DEFAULT);
  }

  @Test
  void acceptsAWellFormedRequestAndCopiesItsCollections() {
    List<String> args = new ArrayList<>(List.of("echo hi"));
    Map<String, String> env = new HashMap<>(Map.of("B", "2", "A", "1"));
    ExecutionRequest r =
        new ExecutionRequest(
            "42", "cod/busybox:local", List.of("sh", "-c"), args, env, INPUTS, RESULT,
            ResourceLimits.DEFAULT);
    args.add("changed");
    env.put("C", "3");

    assertThat(r.args()).containsExactly("echo hi");
    assertThat(r.env()).containsExactly(Map.entry("A", "1"), Map.entry("B", "2"));
    assertThatThrownBy(() -> r.args().add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> r.env().put("X", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void normalizesPaths() {
    ExecutionRequest r =
        request("1", "img", Map.of(), Path.of("/data/./in"), Path.of("/data/x/../out"));
    assertThat(r.inputsDir()).isEqualTo(Path.of("/data/in"));
    assertThat(r.resultDir()).isEqualTo(Path.of("/data/out"));
  }

  @Test
  void rejectsMalformedJobIds() {
    for (String bad : new String[] {"", "a b", "../x", "a/b", "x".repeat(129), "é"}) {
      assertThatThrownBy(() -> request(bad, "img", Map.of(), INPUTS, RESULT))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("jobId");
    }
    assertThat(request("0xAB.c:d-e_1", "img", Map.of(), INPUTS, RESULT).jobId())
        .isEqualTo("0xAB.c:d-e_1");
  }

  @Test
  void rejectsMalformedImages() {
    for (String bad : new String[] {"", "cod/busybox local", "img\n", "i".repeat(256)}) {
      assertThatThrownBy(() -> request("1", bad, Map.of(), INPUTS, RESULT))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("image");
    }
  }

  @Test
  void rejectsBadEnvironment() {
    assertThatThrownBy(() -> request("1", "img", Map.of("1ABC", "x"), INPUTS, RESULT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("env name");
    assertThatThrownBy(() -> request("1", "img", Map.of("A=B", "x"), INPUTS, RESULT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> request("1", "img", Map.of("A", "x\0y"), INPUTS, RESULT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NUL");
  }

  @Test
  void rejectsNullsAnywhere() {
    assertThatThrownBy(() -> request(null, "img", Map.of(), INPUTS, RESULT))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("jobId");
    assertThatThrownBy(
            () ->
                new ExecutionRequest(
                    "1", "img", Arrays.asList("sh", null), List.of(), Map.of(), INPUTS, RESULT,
                    ResourceLimits.DEFAULT))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(
            () ->
                new ExecutionRequest(
                    "1", "img", List.of(), List.of(), Map.of(), INPUTS, RESULT, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("limits");
  }

  @Test
  void rejectsRelativeOrNestedDirectories() {
    assertThatThrownBy(() -> request("1", "img", Map.of(), Path.of("in"), RESULT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inputsDir must be an absolute path");
    assertThatThrownBy(() -> request("1", "img", Map.of(), INPUTS, Path.of("out")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("resultDir must be an absolute path");
    assertThatThrownBy(() -> request("1", "img", Map.of(), INPUTS, INPUTS.resolve("result")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not contain each other");
    assertThatThrownBy(() -> request("1", "img", Map.of(), INPUTS, INPUTS.getParent()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void limitsCheckTheirRanges() {
    Duration t = Duration.ofSeconds(10);
    assertThatThrownBy(() -> new ResourceLimits(1024, ResourceLimits.ONE_CPU, 10, t, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memoryBytes");
    assertThatThrownBy(() -> new ResourceLimits(64L << 20, 1000, 10, t, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nanoCpus");
    assertThatThrownBy(() -> new ResourceLimits(64L << 20, ResourceLimits.ONE_CPU, 0, t, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pids");
    assertThatThrownBy(
            () -> new ResourceLimits(64L << 20, ResourceLimits.ONE_CPU, 10, Duration.ZERO, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(
            () -> new ResourceLimits(64L << 20, ResourceLimits.ONE_CPU, 10, Duration.ofDays(2), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> new ResourceLimits(64L << 20, ResourceLimits.ONE_CPU, 10, t, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxOutputBytes");
    assertThat(ResourceLimits.DEFAULT.withTimeout(t).timeout()).isEqualTo(t);
    assertThat(ResourceLimits.DEFAULT.withMaxOutputBytes(7).maxOutputBytes()).isEqualTo(7);
  }
}
