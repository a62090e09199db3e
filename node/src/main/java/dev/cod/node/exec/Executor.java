package dev.cod.node.exec;

/**
 * Runs one job on one engine (Docker, WASM…) and leaves its result in the request's {@code
 * resultDir}, laid out as {@link ResultLayout} says, identically for every engine. After Bacalhau's
 * {@code pkg/executor/types.go}: the job spec names the engine; a registry maps the name to the
 * executor and asks it whether it is installed.
 *
 * <p>Implementations are safe to share between threads; each {@link #run} is independent.
 */
public interface Executor {

  /** The engine's name as job specs spell it, e.g. {@code "docker"}. */
  String engine();

  /** Whether the engine answers now. Never throws. */
  boolean isInstalled();

  /**
   * Whether this request can run here now, e.g. the engine answers and the image is present
   * locally. Never throws.
   */
  boolean canRun(ExecutionRequest request);

  /**
   * Runs the job to its end (exit or timeout) and fills {@code request.resultDir()}.
   *
   * <p>A non-zero exit is a result, not an error: see {@link ExecutionResult#exitCode()}. A
   * timeout depends on the engine: Docker records it as a result ({@link
   * ExecutionResult#timedOut()}, exit code 137), because the engine kills the container at a
   * point every node sees alike; the WASM engine fails with {@code EXECUTION_FAILED}, because
   * how far a module got by its deadline differs between nodes and could never agree.
   *
   * @return the result's description; the bytes are in {@code resultDir}
   * @throws dev.cod.common.CodException {@code EXECUTION_FAILED} when the job cannot run (missing
   *     image, the engine rejects the request) or its output passes {@link
   *     ResourceLimits#maxOutputBytes()}; {@code resultDir} is then left empty. {@code
   *     INVALID_INPUT} when {@code inputsDir} is missing or {@code resultDir} is not empty.
   * @throws dev.cod.common.RetriableCodException {@code DOCKER_UNAVAILABLE} (or the engine's code)
   *     when the engine is unreachable or fails; trying again later may succeed
   */
  ExecutionResult run(ExecutionRequest request);
}
