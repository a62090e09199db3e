package dev.cod.node.exec.wasm;

import dev.cod.node.exec.ExecutionRequest;
import dev.cod.node.exec.ExecutionResult;
import dev.cod.node.exec.ResourceLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs one WASM job in a JVM of its own, for {@link WasmDeterminismIT}: {@code ForkedWasmRun MODE
 * JOB_ID MODULE INPUTS RESULT [ARGS...]} with MODE {@code COMPILER} or {@code INTERPRETER}; prints
 * the exit code. Same request shape as the IT's in-process runs.
 */
public final class ForkedWasmRun {
  private ForkedWasmRun() {}

  public static void main(String[] a) {
    WasmConfig config = WasmConfig.DEFAULT.withMode(WasmConfig.Mode.valueOf(a[0]));
    ExecutionResult r = new WasmExecutor(config).run(request(a[1], Path.of(a[2]), Path.of(a[3]), Path.of(a[4]),
        Arrays.asList(a).subList(5, a.length)));
    System.out.println("exit-code " + r.exitCode());
  }

  static ExecutionRequest request(String jobId, Path module, Path inputs, Path result, List<String> args) {
    ResourceLimits limits = new ResourceLimits(128L << 20, ResourceLimits.ONE_CPU, 1, Duration.ofSeconds(120), 16L << 20);
    return new ExecutionRequest(jobId, module.getFileName().toString(), List.of(), args, Map.of("GREETING", "hi"),
        inputs.toAbsolutePath(), result.toAbsolutePath(), limits, module.toAbsolutePath());
  }
}
