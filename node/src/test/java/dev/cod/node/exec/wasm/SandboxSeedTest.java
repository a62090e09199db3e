package dev.cod.node.exec.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.node.exec.ExecutionRequest;
import dev.cod.node.exec.ResourceLimits;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link SandboxSeed}: the job's clock and random stream, and the request's module file. */
class SandboxSeedTest {
  @Test
  void instantIsAWholeSecondIn2000sFixedPerJob() {
    Instant a = new SandboxSeed("job-1").instant();
    assertThat(a).isEqualTo(new SandboxSeed("job-1").instant());
    assertThat(a).isNotEqualTo(new SandboxSeed("job-2").instant());
    assertThat(a.getNano()).isZero();
    assertThat(a).isBetween(Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("2010-01-01T00:00:00Z"));
    assertThat(new SandboxSeed("job-1").instantNanos()).isEqualTo(a.getEpochSecond() * 1_000_000_000L);
  }

  @Test
  void streamIsSha256InCounterModeWhateverTheChunks() {
    byte[] whole = new byte[100];
    new SandboxSeed("job-1").stream().next(whole, 0, 100);
    byte[] pieces = new byte[100];
    SandboxSeed.ByteStream s = new SandboxSeed("job-1").stream();
    s.next(pieces, 0, 1);
    s.next(pieces, 1, 40);
    s.next(pieces, 41, 59);
    assertThat(pieces).isEqualTo(whole);
    // block 0 = SHA-256(SHA-256("cod-wasm-random\0job-1") || uint64be(0))
    byte[] key = SandboxSeed.sha256("cod-wasm-random\0job-1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    byte[] input = new byte[40];
    System.arraycopy(key, 0, input, 0, 32);
    assertThat(HexFormat.of().formatHex(whole, 0, 32)).isEqualTo(HexFormat.of().formatHex(SandboxSeed.sha256(input)));
    byte[] other = new byte[100];
    new SandboxSeed("job-2").stream().next(other, 0, 100);
    assertThat(other).isNotEqualTo(whole);
  }

  @Test
  void emptyJobIdIsRefused() {
    assertThatThrownBy(() -> new SandboxSeed("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void requestModuleFileIsOptionalAbsoluteAndOutsideTheDirectories() {
    ResourceLimits limits = ResourceLimits.DEFAULT;
    Path in = Path.of("/tmp/j/inputs");
    Path out = Path.of("/tmp/j/result");
    assertThat(new ExecutionRequest("j", "img", List.of(), List.of(), Map.of(), in, out, limits).moduleFile()).isNull();
    assertThat(new ExecutionRequest("j", "img", List.of(), List.of(), Map.of(), in, out, limits,
        Path.of("/tmp/j/./module.wasm")).moduleFile()).isEqualTo(Path.of("/tmp/j/module.wasm"));
    assertThatThrownBy(() -> new ExecutionRequest("j", "img", List.of(), List.of(), Map.of(), in, out, limits,
        Path.of("module.wasm"))).hasMessageContaining("moduleFile must be an absolute path");
    assertThatThrownBy(() -> new ExecutionRequest("j", "img", List.of(), List.of(), Map.of(), in, out, limits,
        Path.of("/tmp/j/inputs/module.wasm"))).hasMessageContaining("outside resultDir and inputsDir");
  }
}
