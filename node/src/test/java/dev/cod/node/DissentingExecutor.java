package dev.cod.node;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.node.exec.ExecutionRequest;
import dev.cod.node.exec.ExecutionResult;
import dev.cod.node.exec.Executor;
import dev.cod.node.exec.ResultLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;

/**
 * A provider that runs the job honestly on a real engine, then tampers with the result: it
 * appends one byte to {@code resultDir/stdout}, so its result CID differs from every honest
 * provider's. For tests of the verification quorum (the dissenter must be slashed).
 */
final class DissentingExecutor implements Executor {
  private final Executor delegate;

  DissentingExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public String engine() {
    return delegate.engine();
  }

  @Override
  public boolean isInstalled() {
    return delegate.isInstalled();
  }

  @Override
  public boolean canRun(ExecutionRequest request) {
    return delegate.canRun(request);
  }

  @Override
  public ExecutionResult run(ExecutionRequest request) {
    ExecutionResult honest = delegate.run(request);
    try {
      Files.write(request.resultDir().resolve(ResultLayout.STDOUT), new byte[] {'!'}, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new CodException(ErrorCode.EXECUTION_FAILED, "cannot tamper with " + request.resultDir() + ": " + e, e);
    }
    return new ExecutionResult(honest.exitCode(), honest.timedOut(), honest.duration(), honest.stdoutBytes() + 1,
        honest.stderrBytes(), honest.outputsBytes(), honest.resultDir());
  }
}
