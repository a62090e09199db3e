package dev.cod.node.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What a finished run produced. The bytes themselves are in {@code resultDir}, laid out as {@link
 * ResultLayout} says; this record only describes them.
 *
 * <p>A job that exits non-zero or is killed at its timeout still has a result: the exit code is
 * recorded, not thrown. For a timed-out Docker job the exit code is the one the engine reports for
 * the kill (137 = 128 + SIGKILL).
 *
 * @param exitCode the job's exit status, 0 to 255 for a process that exited
 * @param timedOut whether the run was killed at {@link ResourceLimits#timeout()}
 * @param duration wall-clock time from start to exit, non-negative
 * @param stdoutBytes size of {@code resultDir/stdout}, in bytes
 * @param stderrBytes size of {@code resultDir/stderr}, in bytes
 * @param outputsBytes total size of the regular files under {@code resultDir/outputs}, in bytes
 * @param resultDir the absolute directory holding the result
 */
public record ExecutionResult(
    int exitCode,
    boolean timedOut,
    Duration duration,
    long stdoutBytes,
    long stderrBytes,
    long outputsBytes,
    Path resultDir) {

  /**
   * @throws NullPointerException if {@code duration} or {@code resultDir} is null
   * @throws IllegalArgumentException if a size or the duration is negative, or resultDir relative
   */
  public ExecutionResult {
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(resultDir, "resultDir");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, got " + duration);
    }
    if (stdoutBytes < 0 || stderrBytes < 0 || outputsBytes < 0) {
      throw new IllegalArgumentException(
          "sizes must not be negative, got stdout "
              + stdoutBytes
              + ", stderr "
              + stderrBytes
              + ", outputs "
              + outputsBytes);
    }
    if (!resultDir.isAbsolute()) {
      throw new IllegalArgumentException("resultDir must be an absolute path, got " + resultDir);
    }
  }

  /** Whether the job exited 0 within its timeout. */
  public boolean succeeded() {
    return exitCode == 0 && !timedOut;
  }

  /** Total result size in bytes: outputs + stdout + stderr. */
  public long totalBytes() {
    return outputsBytes + stdoutBytes + stderrBytes;
  }
}
