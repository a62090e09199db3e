package dev.cod.node.exec.wasm;

/**
 * Thrown from inside a running module (a host function, a memory grow, an output stream) when the
 * run breaks one of its limits; it unwinds the module's stack and {@link WasmExecutor} turns it
 * into a {@code CodException} with {@code EXECUTION_FAILED}. Never crosses the package.
 */
final class SandboxLimitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  SandboxLimitException(String message) {
    super(message, null, false, false);
  }
}
