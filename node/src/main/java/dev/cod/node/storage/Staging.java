package dev.cod.node.storage;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hidden temporary directory beside an input's destination, in which the input is built; {@link
 * #moveIntoPlace()} moves the finished {@link #content()} to the destination in one rename, and
 * {@link #close()} deletes whatever is left, so a failed fetch leaves nothing behind.
 */
final class Staging implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Staging.class);

  private final Path destination;
  private final Path dir;

  private Staging(Path destination, Path dir) {
    this.destination = destination;
    this.dir = dir;
  }

  /**
   * Creates the staging directory beside {@code destination} (whose parents are created).
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if {@code destination} has no name or
   *     exists, or the directory cannot be created
   */
  static Staging beside(Path destination) {
    Path target = destination.toAbsolutePath().normalize();
    Path parent = target.getParent();
    if (parent == null || target.getFileName() == null) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "expected a destination path with a name, found " + target);
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected destination " + target + " not to exist, found it: remove it or pick another");
    }
    try {
      Files.createDirectories(parent);
      String name = target.getFileName().toString();
      Path dir =
          Files.createTempDirectory(
              parent, "." + name.substring(0, Math.min(name.length(), 100)) + ".cod-");
      return new Staging(target, dir);
    } catch (IOException e) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "cannot prepare " + target + " for an input: " + e, e);
    }
  }

  /** The staging directory. */
  Path dir() {
    return dir;
  }

  /** Where the input is built (does not exist until the caller creates it). */
  Path content() {
    return dir.resolve("content");
  }

  /** The destination, absolute and normalised. */
  Path destination() {
    return destination;
  }

  /**
   * Moves {@link #content()} to the destination atomically.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if the destination appeared meanwhile or
   *     the move fails
   */
  void moveIntoPlace() {
    try {
      Files.move(content(), destination, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "destination " + destination + " appeared during the fetch", e);
    } catch (IOException e) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "cannot move the input into " + destination + ": " + e, e);
    }
  }

  /** Deletes the staging directory and everything in it; failures are logged, not thrown. */
  @Override
  public void close() {
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e)
                throws IOException {
              Files.delete(directory);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      LOG.warn("could not delete the staging directory {}: {}", dir, e.toString());
    }
  }
}
