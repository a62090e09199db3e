package dev.cod.node.exec.wasm;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The WASM modules the build compiled from C into {@code node/target/wasm} (scripts/build-wasm.sh,
 * run by Maven at generate-test-resources): {@code examples/NAME.wasm} and {@code test/NAME.wasm}.
 * Without the toolchain (clang, wasi-libc) the build made none: a test then stops on an assumption
 * naming what is missing, except under CI ({@code CI=true}), where it fails: CI never skips.
 */
public final class WasmModules {
  private WasmModules() {}

  /** {@code node/target/wasm}, found from the node module's or the repository's directory. */
  public static Path dir() {
    for (Path candidate :
        new Path[] {Path.of("target/wasm"), Path.of("node/target/wasm"), Path.of("../node/target/wasm")}) {
      if (Files.isDirectory(candidate.resolve("examples"))) {
        return candidate.toAbsolutePath().normalize();
      }
    }
    return missing("node/target/wasm");
  }

  /** {@code examples/NAME.wasm}. */
  public static Path example(String name) {
    return existing(dir().resolve("examples").resolve(name + ".wasm"));
  }

  /** {@code test/NAME.wasm}. */
  public static Path test(String name) {
    return existing(dir().resolve("test").resolve(name + ".wasm"));
  }

  private static Path existing(Path p) {
    return Files.isRegularFile(p) ? p : missing(p.toString());
  }

  private static Path missing(String what) {
    String message =
        "WASM module "
            + what
            + " not built: clang, lld, wasi-libc or libclang-rt-14-dev-wasm32 missing (run"
            + " scripts/setup.sh, then mvn generate-test-resources -pl node)";
    if ("true".equals(System.getenv("CI"))) {
      return fail(message);
    }
    Assumptions.assumeTrue(false, message);
    throw new AssertionError("unreachable");
  }
}
