package dev.cod.node.exec.wasm;

import dev.cod.common.CodException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import dev.cod.node.exec.ResultLayout;

/**
 * Keeps one run's output within its limits while the module runs, so that a module flooding its
 * output is stopped at the limit instead of filling the disk: bytes of stdout + stderr + the files
 * under {@code /outputs} together at most {@code maxBytes}, and at most {@code maxEntries} files
 * and directories under {@code /outputs}.
 *
 * <p>Cheap by design: each write to {@code /outputs} adds its length to a pending count (an upper
 * bound of the growth); only when the bound passes a limit is the tree measured for real. A write
 * that could take the result past the limit (even one overwriting bytes already there, which the
 * bound cannot tell apart) fails the run. stdout and stderr are counted exactly. The exact check of
 * the final tree is {@link ResultLayout#write}'s.
 *
 * <p>Used by the module's thread only.
 */
final class OutputBudget {
  private final Path outputs;
  private final long maxBytes;
  private final int maxEntries;
  private long stdoutBytes;
  private long stderrBytes;
  private long measuredBytes;
  private long pendingBytes;
  private long measuredEntries;
  private long pendingEntries;

  /**
   * @param outputs the host directory shown as {@code /outputs}
   * @param maxBytes most bytes of outputs + stdout + stderr, positive
   * @param maxEntries most files plus directories under {@code outputs}, positive
   */
  OutputBudget(Path outputs, long maxBytes, int maxEntries) {
    this.outputs = outputs;
    this.maxBytes = maxBytes;
    this.maxEntries = maxEntries;
  }

  long stdoutBytes() {
    return stdoutBytes;
  }

  long stderrBytes() {
    return stderrBytes;
  }

  /** A stream that counts what passes into {@code stdout} (or stderr) and refuses past the limit. */
  OutputStream stdio(OutputStream target, boolean isStdout) {
    return new FilterOutputStream(target) {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (isStdout) {
          stdoutBytes += len;
        } else {
          stderrBytes += len;
        }
        if (stdoutBytes + stderrBytes + measuredBytes + pendingBytes > maxBytes) {
          remeasure();
          if (stdoutBytes + stderrBytes + measuredBytes > maxBytes) {
            throw overBytes();
          }
        }
        out.write(b, off, len);
      }
    };
  }

  /**
   * Before a write of {@code length} bytes to a file under {@code /outputs}.
   *
   * @throws SandboxLimitException if the write could take the result past {@code maxBytes}
   */
  void beforeWrite(long length) {
    pendingBytes += length;
    if (total() > maxBytes) {
      remeasure();
      pendingBytes = length;
      if (total() > maxBytes) {
        throw overBytes();
      }
    }
  }

  /**
   * After a file under {@code /outputs} changed size in a way writes do not show (truncate,
   * allocate).
   *
   * @throws SandboxLimitException if the result is now past {@code maxBytes}
   */
  void afterResize() {
    remeasure();
    if (total() > maxBytes) {
      throw overBytes();
    }
  }

  /**
   * Before a file or directory may be created under {@code /outputs}.
   *
   * @throws SandboxLimitException if it would make more than {@code maxEntries}
   */
  void beforeCreate() {
    pendingEntries++;
    if (measuredEntries + pendingEntries > maxEntries) {
      remeasure();
      pendingEntries = 1;
      if (measuredEntries + 1 > maxEntries) {
        throw new SandboxLimitException(
            "output file limit: the module tried to create more than "
                + maxEntries
                + " files and directories under /outputs; have it write fewer files or raise the"
                + " node's wasm output-file limit");
      }
    }
  }

  private long total() {
    return stdoutBytes + stderrBytes + measuredBytes + pendingBytes;
  }

  private SandboxLimitException overBytes() {
    return new SandboxLimitException(
        "output limit: the module's result would pass maxOutputBytes="
            + maxBytes
            + " bytes (stdout "
            + stdoutBytes
            + " + stderr "
            + stderrBytes
            + " + outputs at least "
            + (measuredBytes + Math.max(0, pendingBytes))
            + "); have the job write less or raise resources.maxOutput");
  }

  /** Measures the tree for real: bytes of regular files, and entries (the root not counted). */
  private void remeasure() {
    long[] bytes = {0};
    long[] entries = {0};
    try {
      Files.walkFileTree(
          outputs,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              if (!dir.equals(outputs)) {
                entries[0]++;
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              entries[0]++;
              if (attrs.isRegularFile()) {
                bytes[0] += attrs.size();
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new CodException(
          dev.cod.common.ErrorCode.INTERNAL,
          "cannot measure the module's outputs in " + outputs + ": " + e.getMessage(),
          e);
    }
    measuredBytes = bytes[0];
    pendingBytes = 0;
    measuredEntries = entries[0];
    pendingEntries = 0;
  }
}
