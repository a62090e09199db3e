package dev.cod.node.storage;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.node.files.Staging;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a file or directory tree from this machine, source {@value #TYPE}, but only from under
 * the allow-listed roots the operator configured (the SP's data directories).
 *
 * <p>Rules, checked on canonical paths ({@link Path#toRealPath}, every symbolic link resolved):
 *
 * <ul>
 *   <li>the reference is an absolute path with no {@code ..} element;
 *   <li>it must resolve under one of the roots;
 *   <li>inside a copied tree, a symbolic link to a file is copied as that file if it resolves
 *       under the same root, and refused if it escapes it; a symbolic link to a directory is
 *       refused (it could loop); special files (devices, sockets, pipes) are refused.
 * </ul>
 *
 * <p>Copies hold regular files and directories only (no permissions, owners or times), at most
 * {@code maxBytes} of file content and {@value #MAX_ENTRIES} entries. A file swapped for a link
 * between the check and the copy is not followed: files are opened with {@link
 * LinkOption#NOFOLLOW_LINKS}. Thread-safe.
 */
public final class LocalDirectorySource implements InputSource {
  private static final Logger LOG = LoggerFactory.getLogger(LocalDirectorySource.class);

  /** The source name in a job spec. */
  public static final String TYPE = "local";
  /** The most files and directories one copy creates. */
  public static final int MAX_ENTRIES = 100_000;

  private final List<Path> roots;

  /**
   * @param allowedRoots the directories inputs may be copied from (at least one); each must exist
   *     and is kept in canonical form
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if the list is empty or a root is not an
   *     existing directory
   */
  public LocalDirectorySource(List<Path> allowedRoots) {
    if (allowedRoots.isEmpty()) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected at least one allowed root directory for local inputs, found none");
    }
    List<Path> canonical = new ArrayList<>();
    for (Path root : allowedRoots) {
      try {
        Path real = root.toRealPath();
        if (!Files.isDirectory(real)) {
          throw new CodException(
              ErrorCode.INVALID_INPUT,
              "expected allowed root " + root + " to be a directory, found a file");
        }
        canonical.add(real);
      } catch (IOException e) {
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            "expected allowed root " + root + " to be an existing directory: " + e, e);
      }
    }
    this.roots = List.copyOf(canonical);
  }

  @Override
  public String type() {
    return TYPE;
  }

  /** The allowed roots, canonical. */
  public List<Path> allowedRoots() {
    return roots;
  }

  /**
   * Copies the file or directory {@code reference} names into {@code destination}.
   *
   * @param reference an absolute path under an allowed root
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if the path is relative, contains
   *     {@code ..}, does not exist, resolves outside the allowed roots (the message names them),
   *     holds a link escaping its root, a directory link or a special file, or more than {@code
   *     maxBytes} of content or {@value #MAX_ENTRIES} entries
   */
  @Override
  public void fetch(String reference, Path destination, long maxBytes) {
    Path requested = Path.of(reference);
    if (!requested.isAbsolute()) {
      throw refused(reference, "expected an absolute path");
    }
    for (Path element : requested) {
      if (element.toString().equals("..")) {
        throw refused(reference, "expected a path without '..'");
      }
    }
    Path real;
    try {
      real = requested.toRealPath();
    } catch (NoSuchFileException e) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "local input " + reference + " does not exist", e);
    } catch (IOException e) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "cannot resolve local input " + reference + ": " + e, e);
    }
    Path root =
        rootOf(real)
            .orElseThrow(
                () ->
                    refused(
                        reference,
                        "it resolves to " + real + ", outside the allowed roots"));
    try (Staging staging = Staging.beside(destination)) {
      Copy copy = new Copy(root, maxBytes);
      copy.entry(real, staging.content(), reference);
      staging.moveIntoPlace();
      LOG.info(
          "copied local input {} into {} (bytes: {}, files and directories: {})",
          real, staging.destination(), copy.bytes, copy.entries);
    }
  }

  private Optional<Path> rootOf(Path real) {
    return roots.stream().filter(real::startsWith).findFirst();
  }

  private CodException refused(String reference, String why) {
    return new CodException(
        ErrorCode.INVALID_INPUT,
        "local input " + reference + " refused: " + why + "; local inputs must lie under the"
            + " allowed roots " + roots + " (add a directory to the allow-list to use it)");
  }

  /** One copy: its root, budget and counters. */
  private final class Copy {
    private final Path root;
    private final long maxBytes;
    private long bytes;
    private int entries;

    Copy(Path root, long maxBytes) {
      this.root = root;
      this.maxBytes = maxBytes;
    }

    void entry(Path source, Path target, String display) {
      if (++entries > MAX_ENTRIES) {
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            "expected at most " + MAX_ENTRIES + " files and directories in local input, found"
                + " more (at " + display + ")");
      }
      try {
        BasicFileAttributes attributes =
            Files.readAttributes(source, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Path file = source;
        if (attributes.isSymbolicLink()) {
          Path resolved = source.toRealPath();
          if (!resolved.startsWith(root)) {
            throw refused(display, "the link " + source + " points to " + resolved
                + ", outside its root " + root);
          }
          if (Files.isDirectory(resolved, LinkOption.NOFOLLOW_LINKS)) {
            throw refused(display, "the link " + source + " points to a directory; links to"
                + " directories are not copied");
          }
          file = resolved;
          attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
        if (attributes.isDirectory()) {
          Files.createDirectory(target);
          List<Path> children;
          try (Stream<Path> list = Files.list(file)) {
            children = list.sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
          }
          for (Path child : children) {
            entry(child, target.resolve(child.getFileName().toString()),
                display + "/" + child.getFileName());
          }
        } else if (attributes.isRegularFile()) {
          copyFile(file, target, display);
        } else {
          throw refused(display, source + " is a special file (device, socket or pipe)");
        }
      } catch (IOException e) {
        throw new CodException(
            ErrorCode.INVALID_INPUT, "cannot copy local input " + display + ": " + e, e);
      }
    }

    private void copyFile(Path file, Path target, String display) throws IOException {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
          OutputStream out =
              Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (n > maxBytes - bytes) {
            throw new CodException(
                ErrorCode.INVALID_INPUT,
                "expected at most " + maxBytes + " bytes of local input, found more (at "
                    + display + "): raise the limit or pick less data");
          }
          bytes += n;
          out.write(buffer, 0, n);
        }
      }
    }
  }
}
