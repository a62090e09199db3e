package dev.cod.node.exec;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.node.files.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;

/**
 * The one layout of a job's result, the same for every engine; it is what gets added to IPFS as one
 * directory:
 *
 * <pre>
 * resultDir/
 *   outputs/    what the job wrote to /outputs (regular files and directories only)
 *   stdout      the job's standard output, byte for byte
 *   stderr      the job's standard error, byte for byte
 *   exitCode    the exit status in decimal ASCII, no newline (e.g. "0")
 * </pre>
 *
 * <p>Deterministic for honest runs: nothing written here carries a timestamp, host name or user
 * name; every file gets mode 0644, every directory 0755 and modification time 0 (1970-01-01Z), so
 * two honest providers produce byte-identical trees.
 *
 * <p>All-or-nothing: {@link #write} either fills the whole layout or leaves {@code resultDir}
 * empty.
 */
public final class ResultLayout {

  /** Directory with the job's files. */
  public static final String OUTPUTS = "outputs";
  /** File with the job's standard output. */
  public static final String STDOUT = "stdout";
  /** File with the job's standard error. */
  public static final String STDERR = "stderr";
  /** File with the decimal exit status, no newline. */
  public static final String EXIT_CODE = "exitCode";
  /** Most files plus directories accepted under {@code outputs/}. */
  public static final int MAX_OUTPUT_ENTRIES = 100_000;

  private static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwxr-xr-x");
  private static final FileTime EPOCH = FileTime.fromMillis(0);

  private final Path root;

  private ResultLayout(Path root) {
    this.root = root;
  }

  /**
   * The layout rooted at {@code resultDir}.
   *
   * @throws IllegalArgumentException if {@code resultDir} is not absolute
   */
  public static ResultLayout at(Path resultDir) {
    Objects.requireNonNull(resultDir, "resultDir");
    if (!resultDir.isAbsolute()) {
      throw new IllegalArgumentException("resultDir must be an absolute path, got " + resultDir);
    }
    return new ResultLayout(resultDir.normalize());
  }

  /** Sizes of a written result, in bytes. */
  public record Sizes(long outputsBytes, long stdoutBytes, long stderrBytes) {
    /** Outputs + stdout + stderr, in bytes. */
    public long total() {
      return outputsBytes + stdoutBytes + stderrBytes;
    }
  }

  /** The result directory. */
  public Path root() {
    return root;
  }

  /** {@code resultDir/outputs}. */
  public Path outputs() {
    return root.resolve(OUTPUTS);
  }

  /** {@code resultDir/stdout}. */
  public Path stdout() {
    return root.resolve(STDOUT);
  }

  /** {@code resultDir/stderr}. */
  public Path stderr() {
    return root.resolve(STDERR);
  }

  /** {@code resultDir/exitCode}. */
  public Path exitCode() {
    return root.resolve(EXIT_CODE);
  }

  /**
   * Makes sure the result directory exists and is empty, creating it (and its parents) if absent.
   *
   * @throws CodException {@code INVALID_INPUT} if it exists and is not an empty directory; {@code
   *     INTERNAL} if it cannot be created
   */
  public void prepare() {
    try {
      if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
          throw new CodException(
              ErrorCode.INVALID_INPUT,
              "resultDir must be a directory, found a file at " + root + "; pass an empty dir");
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
          if (entries.iterator().hasNext()) {
            throw new CodException(
                ErrorCode.INVALID_INPUT,
                "resultDir must be empty, found entries in " + root + "; pass an empty dir");
          }
        }
      } else {
        Files.createDirectories(root);
      }
    } catch (IOException e) {
      throw new CodException(
          ErrorCode.INTERNAL, "cannot prepare resultDir " + root + ": " + e.getMessage(), e);
    }
  }

  /**
   * Throws if a result of these sizes is over the limit.
   *
   * @throws CodException {@code EXECUTION_FAILED} naming the limit and the sizes found
   */
  public static void checkLimit(long outputsBytes, long stdoutBytes, long stderrBytes, long max) {
    long total = outputsBytes + stdoutBytes + stderrBytes;
    if (total > max) {
      throw new CodException(
          ErrorCode.EXECUTION_FAILED,
          "job output is over the limit of maxOutputBytes="
              + max
              + " bytes: found at least "
              + total
              + " bytes (outputs "
              + outputsBytes
              + " + stdout "
              + stdoutBytes
              + " + stderr "
              + stderrBytes
              + "); have the job write less or raise the limit");
    }
  }

  /**
   * Total bytes of the regular files under {@code dir}, not following links.
   *
   * @param strict if true, a symbolic link, device, FIFO or socket, or more than {@link
   *     #MAX_OUTPUT_ENTRIES} entries, throw {@code EXECUTION_FAILED}; if false (measuring a tree a
   *     job is still writing) they count 0 bytes and files that vanish are skipped
   * @throws CodException {@code EXECUTION_FAILED} as above; {@code INTERNAL} on an I/O error
   */
  public static long measure(Path dir, boolean strict) {
    long[] total = {0};
    int[] entries = {0};
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
              countEntry(d);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              countEntry(file);
              if (attrs.isRegularFile()) {
                total[0] += attrs.size();
              } else if (strict) {
                throw notPlain(dir, file, attrs);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (!strict && e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
              }
              throw e;
            }

            private void countEntry(Path p) {
              if (strict && ++entries[0] > MAX_OUTPUT_ENTRIES) {
                throw new CodException(
                    ErrorCode.EXECUTION_FAILED,
                    "outputs hold more than "
                        + MAX_OUTPUT_ENTRIES
                        + " files and directories (at "
                        + dir.relativize(p)
                        + "); have the job write fewer files");
              }
            }
          });
    } catch (NoSuchFileException e) {
      if (strict) {
        throw new CodException(ErrorCode.INTERNAL, "outputs dir vanished: " + e.getMessage(), e);
      }
    } catch (IOException e) {
      throw new CodException(
          ErrorCode.INTERNAL, "cannot measure outputs in " + dir + ": " + e.getMessage(), e);
    }
    return total[0];
  }

  /**
   * Fills this layout from what an engine produced, after checking the size limit. The engine's
   * files are copied, not moved; the caller deletes them. Copies never follow links.
   *
   * @param producedOutputs directory the job wrote (its {@code /outputs}); may hold only regular
   *     files and directories
   * @param stdoutFile file with the job's standard output
   * @param stderrFile file with the job's standard error
   * @param exitCode the job's exit status
   * @param maxOutputBytes most bytes of outputs + stdout + stderr together
   * @return the sizes written
   * @throws CodException {@code EXECUTION_FAILED} if the result is over {@code maxOutputBytes} or
   *     {@code producedOutputs} holds a link or special file; {@code INTERNAL} on an I/O error. In
   *     every failure the result directory is left empty.
   */
  public Sizes write(
      Path producedOutputs, Path stdoutFile, Path stderrFile, int exitCode, long maxOutputBytes) {
    try {
      long stdoutBytes = Files.size(stdoutFile);
      long stderrBytes = Files.size(stderrFile);
      checkLimit(0, stdoutBytes, stderrBytes, maxOutputBytes);
      long outputsBytes = measure(producedOutputs, true);
      checkLimit(outputsBytes, stdoutBytes, stderrBytes, maxOutputBytes);

      copyTree(producedOutputs, outputs());
      Files.copy(stdoutFile, stdout(), LinkOption.NOFOLLOW_LINKS);
      Files.copy(stderrFile, stderr(), LinkOption.NOFOLLOW_LINKS);
      Files.write(exitCode(), Integer.toString(exitCode).getBytes(StandardCharsets.US_ASCII));
      for (Path f : new Path[] {stdout(), stderr(), exitCode()}) {
        normalize(f, FILE_MODE);
      }
      normalize(root, DIR_MODE);
      return new Sizes(outputsBytes, stdoutBytes, stderrBytes);
    } catch (CodException e) {
      clear();
      throw e;
    } catch (IOException | UncheckedIOException e) {
      clear();
      throw new CodException(
          ErrorCode.INTERNAL, "cannot write the result to " + root + ": " + e.getMessage(), e);
    }
  }

  /**
   * Deletes everything inside the result directory, keeping the directory. Never follows links.
   * Best effort: an entry that cannot be deleted is left.
   */
  public void clear() {
    if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
        for (Path p : entries) {
          FileTrees.deleteQuietly(p);
        }
      } catch (IOException e) {
        // best effort: the caller is already failing
      }
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectory(to.resolve(from.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (!attrs.isRegularFile()) {
              throw notPlain(from, file, attrs);
            }
            Path target = to.resolve(from.relativize(file).toString());
            Files.copy(file, target, LinkOption.NOFOLLOW_LINKS);
            normalize(target, FILE_MODE);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            normalize(to.resolve(from.relativize(dir).toString()), DIR_MODE);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static CodException notPlain(Path base, Path file, BasicFileAttributes attrs) {
    String kind = attrs.isSymbolicLink() ? "a symbolic link" : "a special file";
    return new CodException(
        ErrorCode.EXECUTION_FAILED,
        "outputs may hold only regular files and directories, found "
            + kind
            + " at outputs/"
            + base.relativize(file)
            + "; have the job write plain files");
  }

  private static void normalize(Path p, Set<PosixFilePermission> mode) throws IOException {
    PosixFileAttributeView view =
        Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (view != null) {
      view.setPermissions(mode);
    }
    Files.setLastModifiedTime(p, EPOCH);
  }
}
