package dev.cod.node.exec.wasm;

import dev.cod.node.exec.ResultLayout;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How a node runs WASM jobs.
 *
 * @param mode {@link Mode#COMPILER} (the default: Chicory's compiler turns the module into JVM
 *     bytecode, about 40× faster than interpreting it) or {@link Mode#INTERPRETER}
 * @param maxOutputEntries most files plus directories a job may create under {@code /outputs};
 *     1 to {@link ResultLayout#MAX_OUTPUT_ENTRIES}
 * @param scratchRoot absolute directory under which each run makes (and deletes) its scratch dir
 */
public record WasmConfig(Mode mode, int maxOutputEntries, Path scratchRoot) {

  /** How the module's code runs. */
  public enum Mode {
    /**
     * Chicory's compiler ({@code MachineFactoryCompiler}); a function it cannot compile (e.g. one
     * too large for a JVM method) runs in the interpreter, and the reason is logged.
     */
    COMPILER,
    /** Chicory's interpreter for every function: slow; for comparison and as a fallback. */
    INTERPRETER
  }

  /** The compiler, {@link ResultLayout#MAX_OUTPUT_ENTRIES} entries, scratch in java.io.tmpdir. */
  public static final WasmConfig DEFAULT =
      new WasmConfig(
          Mode.COMPILER,
          ResultLayout.MAX_OUTPUT_ENTRIES,
          Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath());

  /**
   * @throws NullPointerException if {@code mode} or {@code scratchRoot} is null
   * @throws IllegalArgumentException if a value is out of range (the message names it)
   */
  public WasmConfig {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(scratchRoot, "scratchRoot");
    if (maxOutputEntries < 1 || maxOutputEntries > ResultLayout.MAX_OUTPUT_ENTRIES) {
      throw new IllegalArgumentException(
          "maxOutputEntries must be 1 to "
              + ResultLayout.MAX_OUTPUT_ENTRIES
              + ", got "
              + maxOutputEntries);
    }
    if (!scratchRoot.isAbsolute()) {
      throw new IllegalArgumentException("scratchRoot must be absolute, got " + scratchRoot);
    }
  }

  /** A copy with another mode. */
  public WasmConfig withMode(Mode newMode) {
    return new WasmConfig(newMode, maxOutputEntries, scratchRoot);
  }

  /** A copy with another file-count limit. */
  public WasmConfig withMaxOutputEntries(int newMaxOutputEntries) {
    return new WasmConfig(mode, newMaxOutputEntries, scratchRoot);
  }
}
