package dev.cod.node.files;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A hidden temporary directory beside an input's destination, in which the input is built; {@link
 * #moveIntoPlace()} moves the finished {@link #content()} to the destination in one rename, and
 * {@link #close()} deletes whatever is left, so a failed fetch leaves nothing behind.
 */
public final class Staging implements AutoCloseable {
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
  public static Staging beside(Path destination) {
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
          ErrorCode.INVALID_INPUT, "cannot prepare " + target + ": " + e, e);
    }
  }

  /** The staging directory. */
  public Path dir() {
    return dir;
  }

  /** Where the input is built (does not exist until the caller creates it). */
  public Path content() {
    return dir.resolve("content");
  }

  /** The destination, absolute and normalised. */
  public Path destination() {
    return destination;
  }

  /**
   * Moves {@link #content()} to the destination atomically.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if the destination appeared meanwhile or
   *     the move fails
   */
  public void moveIntoPlace() {
    try {
      Files.move(content(), destination, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "destination " + destination + " appeared while it was being made", e);
    } catch (IOException e) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "cannot move the result into " + destination + ": " + e, e);
    }
  }

  /** Deletes the staging directory and everything in it; failures are logged, not thrown. */
  @Override
  public void close() {
    FileTrees.deleteQuietly(dir);
  }
}
