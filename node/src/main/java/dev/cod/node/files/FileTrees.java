package dev.cod.node.files;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deleting file trees the node made (job work directories, downloads, staging directories). Links
 * are deleted, never followed; a file a job left read-only is made writable first.
 */
public final class FileTrees {
  private static final Logger LOG = LoggerFactory.getLogger(FileTrees.class);

  private FileTrees() {}

  /**
   * Deletes {@code path}, a file or a directory tree; nothing to do if it does not exist.
   *
   * @throws CodException {@link ErrorCode#EXECUTION_FAILED} if something cannot be deleted
   */
  public static void delete(Path path) {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(path, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          dir.toFile().setWritable(true);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          if (e != null) {
            throw e;
          }
          Files.delete(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new CodException(ErrorCode.EXECUTION_FAILED, "cannot delete " + path + ": " + e, e);
    }
  }

  /**
   * The bytes of the regular files in {@code path} (a file or a directory tree; links are not
   * followed, and count 0).
   *
   * @throws CodException {@link ErrorCode#EXECUTION_FAILED} if the tree cannot be read
   */
  public static long size(Path path) {
    long[] total = {0};
    try {
      Files.walkFileTree(path, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile()) {
            total[0] += attrs.size();
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new CodException(ErrorCode.EXECUTION_FAILED, "cannot measure " + path + ": " + e, e);
    }
    return total[0];
  }

  /** As {@link #delete}, but best effort: what cannot be deleted stays, and is logged. */
  public static void deleteQuietly(Path path) {
    try {
      delete(path);
    } catch (CodException e) {
      LOG.warn("could not delete all of {}: {}", path, e.getMessage());
    }
  }
}
