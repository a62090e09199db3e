package dev.cod.cli;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.node.exec.ExecutionRequest;
import dev.cod.node.exec.ExecutionResult;
import dev.cod.node.exec.ResourceLimits;
import dev.cod.node.exec.ResultLayout;
import dev.cod.node.exec.wasm.WasmConfig;
import dev.cod.node.exec.wasm.WasmExecutor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cod wasm}: run WASM modules locally in the same sandbox providers use. */
@Command(name = "wasm", description = "Run WASM jobs locally.", subcommands = WasmCommand.Run.class)
final class WasmCommand {
  @ParentCommand
  Cod cod;

  /**
   * {@code cod wasm run MODULE.wasm [--input DIR] [-o DIR] [-- ARGS...]}: runs a WASI module as a
   * provider would run it for a job with id {@code --job-id} (same clocks, random bytes, walls and
   * limits), writes the result layout ({@code outputs/}, {@code stdout}, {@code stderr}, {@code
   * exitCode}) to {@code -o}, copies the module's stdout and stderr to the terminal, then prints
   * {@code exit-code:}, {@code result-dir:}, {@code module:} and {@code duration-ms:} lines on
   * stderr. The command's exit code is the module's; a broken limit or a refused module prints
   * {@code error [CODE]: ...} and exits 1.
   */
  @Command(name = "run", description = "Run a WASI module in cod's deterministic sandbox: /inputs read-only, /outputs, fixed clocks and random bytes, no network.")
  static final class Run implements Callable<Integer> {
    @ParentCommand
    WasmCommand parent;
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", paramLabel = "MODULE.wasm", description = "the module (wasm32-wasi command)")
    Path module;
    @Parameters(index = "1..*", paramLabel = "ARGS", description = "arguments after argv[0] (put them after --)")
    List<String> args = new ArrayList<>();
    @Option(names = "--input", paramLabel = "DIR", description = "directory shown read-only at /inputs (default: an empty one)")
    Path input;
    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "result directory, absent or empty (default: ${DEFAULT-VALUE})")
    Path output = Path.of("wasm-result");
    @Option(names = "--job-id", description = "job id the clocks and random bytes derive from (default: ${DEFAULT-VALUE})")
    String jobId = "local";
    @Option(names = "--entrypoint", description = "exported function to call (default: ${DEFAULT-VALUE})")
    String entrypoint = WasmExecutor.DEFAULT_ENTRYPOINT;
    @Option(names = "--env", paramLabel = "NAME=VALUE", description = "environment variable (repeatable)")
    List<String> env = new ArrayList<>();
    @Option(names = "--timeout", paramLabel = "SECONDS", description = "wall-clock limit (default: ${DEFAULT-VALUE})")
    long timeoutSeconds = 600;
    @Option(names = "--memory-mib", description = "memory limit, MiB (default: ${DEFAULT-VALUE})")
    long memoryMib = 512;
    @Option(names = "--max-output-mib", description = "limit of outputs + stdout + stderr, MiB (default: ${DEFAULT-VALUE})")
    long maxOutputMib = 256;
    @Option(names = "--interpreter", description = "use Chicory's interpreter instead of its compiler")
    boolean interpreter;

    @Override
    public Integer call() throws IOException {
      Path moduleFile = module.toAbsolutePath().normalize();
      if (!Files.isRegularFile(moduleFile)) {
        throw new CodException(ErrorCode.INVALID_INPUT, "no module file at " + moduleFile);
      }
      Map<String, String> environment = new LinkedHashMap<>();
      for (String kv : env) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new CodException(ErrorCode.INVALID_INPUT, "--env expects NAME=VALUE, found \"" + kv + "\"");
        }
        environment.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
      Path inputs = input != null ? input.toAbsolutePath().normalize() : Files.createTempDirectory("cod-wasm-inputs-");
      ResourceLimits limits;
      ExecutionRequest request;
      try {
        limits = new ResourceLimits(Math.multiplyExact(memoryMib, 1L << 20), ResourceLimits.ONE_CPU, 1,
            Duration.ofSeconds(timeoutSeconds), Math.multiplyExact(maxOutputMib, 1L << 20));
        request = new ExecutionRequest(jobId, "sha256:" + sha256(moduleFile), List.of(entrypoint), args, environment,
            inputs, output.toAbsolutePath().normalize(), limits, moduleFile);
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw new CodException(ErrorCode.INVALID_INPUT, e.getMessage(), e);
      }
      WasmConfig config = WasmConfig.DEFAULT.withMode(interpreter ? WasmConfig.Mode.INTERPRETER : WasmConfig.Mode.COMPILER);
      try {
        ExecutionResult result = new WasmExecutor(config).run(request);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ResultLayout layout = ResultLayout.at(result.resultDir());
        out.print(Files.readString(layout.stdout(), StandardCharsets.UTF_8));
        out.flush();
        err.print(Files.readString(layout.stderr(), StandardCharsets.UTF_8));
        err.println("exit-code: " + result.exitCode());
        err.println("result-dir: " + result.resultDir());
        err.println("module: " + request.image());
        err.println("duration-ms: " + result.duration().toMillis());
        err.flush();
        return result.exitCode();
      } finally {
        if (input == null) {
          Files.deleteIfExists(inputs);
        }
      }
    }

    private static String sha256(Path file) throws IOException {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
