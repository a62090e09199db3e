package dev.cod.node.ipfs;

import dev.cod.cid.Cid;
import dev.cod.cid.Multihash;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Rebuilds a UnixFS file or directory tree from verified blocks.
 *
 * <p>Understood: raw blocks (codec {@code 0x55}, the whole block is file content), and dag-pb
 * nodes whose UnixFS type is File or Raw (inline {@code Data} followed by each link's content in
 * link order; {@code blocksizes} and {@code filesize} must agree with what the children hold) or
 * Directory (each named link is an entry). HAMT-sharded directories, symlinks and Metadata nodes
 * are rejected. Identity CIDs resolve to their digest without a block.
 *
 * <p>Limits: at most {@code maxBytes} bytes of file content in total (across all files; a DAG
 * that reuses a block counts it every time), at most {@value #MAX_ENTRIES} files and directories,
 * and at most {@value #MAX_DEPTH} nested nodes.
 *
 * <p>Errors ({@link CodException}): a missing block or a node that contradicts the UnixFS spec
 * is {@link ErrorCode#CONTENT_MISMATCH}; a name that could leave the destination ({@code ""},
 * {@code .}, {@code ..}, containing {@code /} or NUL, or repeated), an unsupported node type,
 * content over {@code maxBytes} and local write failures are {@link ErrorCode#INVALID_INPUT}.
 *
 * <p>Source: <a href="https://specs.ipfs.tech/unixfs/">UnixFS spec</a>, <a
 * href="https://ipld.io/specs/codecs/dag-pb/spec/">dag-pb spec</a>. One unpacker per DAG; not
 * thread-safe.
 */
public final class UnixFsUnpacker {
  /** The most files and directories one unpack creates. */
  public static final int MAX_ENTRIES = 100_000;
  /** The deepest chain of nodes (directories plus file DAG levels) followed. */
  public static final int MAX_DEPTH = 256;

  private final BlockSource blocks;
  private final long maxBytes;
  private long contentBytes;
  private int entries;

  /**
   * @param blocks verified blocks of the DAG
   * @param maxBytes the most file content in bytes the DAG may hold, >= 0
   */
  public UnixFsUnpacker(BlockSource blocks, long maxBytes) {
    this.blocks = Objects.requireNonNull(blocks, "blocks");
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be >= 0, got " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  /**
   * The content of the file {@code root} names.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if {@code root} is a directory or the
   *     file is larger than {@code maxBytes}; {@link ErrorCode#CONTENT_MISMATCH} for a missing
   *     block or a malformed DAG
   */
  public byte[] readFile(Cid root) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Node node = load(root);
    if (node.isDirectory()) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, root + " is a UnixFS directory, expected a file");
    }
    try {
      writeContent(root, node, out, 0);
    } catch (IOException e) {
      throw new CodException(ErrorCode.INTERNAL, "in-memory write failed", e);
    }
    return out.toByteArray();
  }

  /**
   * Writes the file or directory tree {@code root} names to {@code target}, which must not exist
   * (its parent must). On error, what was written so far is left for the caller to delete.
   *
   * @throws CodException as described on the class
   */
  public void writeTo(Cid root, Path target) {
    writeEntry(root, target, root.toString(), 0);
  }

  /** The file content bytes produced so far. */
  public long contentBytes() {
    return contentBytes;
  }

  /** The files and directories created so far. */
  public int entries() {
    return entries;
  }

  private void writeEntry(Cid cid, Path target, String displayPath, int depth) {
    checkDepth(depth, displayPath);
    if (++entries > MAX_ENTRIES) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected at most " + MAX_ENTRIES + " files and directories, found more (at "
              + displayPath + ")");
    }
    Node node = load(cid);
    try {
      if (node.isDirectory()) {
        Files.createDirectory(target);
        Set<String> names = new HashSet<>();
        for (DagPbNode.Link link : node.pb().links()) {
          String name = link.name();
          checkName(name, displayPath);
          if (!names.add(name)) {
            throw new CodException(
                ErrorCode.INVALID_INPUT,
                "directory " + displayPath + " names \"" + name + "\" twice");
          }
          Path child = target.resolve(name);
          if (!target.equals(child.getParent())) {
            throw new CodException(
                ErrorCode.INVALID_INPUT,
                "entry \"" + name + "\" in " + displayPath + " resolves outside its directory");
          }
          writeEntry(link.cid(), child, displayPath + "/" + name, depth + 1);
        }
      } else {
        try (OutputStream out =
            new BufferedOutputStream(
                Files.newOutputStream(
                    target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                64 * 1024)) {
          writeContent(cid, node, out, depth);
        }
      }
    } catch (IOException e) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "cannot write " + target + " (" + displayPath + "): " + e, e);
    }
  }

  /** Writes a file node's content; returns its size in bytes. */
  private long writeContent(Cid cid, Node node, OutputStream out, int depth) throws IOException {
    checkDepth(depth, cid.toString());
    if (node.raw() != null) {
      emit(node.raw(), out);
      return node.raw().length;
    }
    UnixFsData fs = node.fs();
    if (fs.type() == UnixFsData.Type.DIRECTORY || fs.type() == UnixFsData.Type.HAMT_SHARD) {
      throw new CodException(
          ErrorCode.CONTENT_MISMATCH, "file DAG links to a directory node " + cid);
    }
    List<DagPbNode.Link> links = node.pb().links();
    if (fs.blockSizes().size() != links.size()) {
      throw new CodException(
          ErrorCode.CONTENT_MISMATCH,
          "UnixFS file node " + cid + " has " + links.size() + " links but "
              + fs.blockSizes().size() + " blocksizes");
    }
    emit(fs.data(), out);
    long total = fs.data().length;
    for (int i = 0; i < links.size(); i++) {
      Cid childCid = links.get(i).cid();
      Node child = load(childCid);
      if (child.isDirectory()) {
        throw new CodException(
            ErrorCode.CONTENT_MISMATCH, "file node " + cid + " links to directory " + childCid);
      }
      long size = writeContent(childCid, child, out, depth + 1);
      if (size != fs.blockSizes().get(i)) {
        throw new CodException(
            ErrorCode.CONTENT_MISMATCH,
            "UnixFS file node " + cid + " claims child " + i + " holds "
                + fs.blockSizes().get(i) + " bytes, found " + size);
      }
      total += size;
    }
    if (fs.fileSize() >= 0 && fs.fileSize() != total) {
      throw new CodException(
          ErrorCode.CONTENT_MISMATCH,
          "UnixFS file node " + cid + " claims filesize " + fs.fileSize() + ", found " + total);
    }
    return total;
  }

  private void emit(byte[] bytes, OutputStream out) throws IOException {
    if (bytes.length > maxBytes - contentBytes) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected at most " + maxBytes + " bytes of content, found more: raise the limit or"
              + " fetch less");
    }
    contentBytes += bytes.length;
    out.write(bytes);
  }

  private Node load(Cid cid) {
    byte[] block;
    if (cid.multihash().code() == Multihash.IDENTITY) {
      block = cid.multihash().digest();
    } else {
      block =
          blocks
              .get(cid)
              .orElseThrow(
                  () ->
                      new CodException(
                          ErrorCode.CONTENT_MISMATCH,
                          "block " + cid + " is missing from the fetched DAG: the IPFS node sent"
                              + " an incomplete export (is all of the data available?)"));
    }
    switch (cid.codec()) {
      case Cid.RAW:
        return new Node(block, null, null);
      case Cid.DAG_PB: {
        DagPbNode pb = DagPbNode.decode(block);
        UnixFsData fs = UnixFsData.decode(pb.data());
        switch (fs.type()) {
          case FILE, RAW, DIRECTORY:
            return new Node(null, pb, fs);
          case HAMT_SHARD:
            throw new CodException(
                ErrorCode.INVALID_INPUT,
                cid + " is a HAMT-sharded UnixFS directory, which cod does not unpack yet;"
                    + " keep directories under Kubo's sharding threshold (256 KiB of links)");
          default:
            throw new CodException(
                ErrorCode.INVALID_INPUT,
                cid + " is a UnixFS " + fs.type() + " node; cod unpacks only files and"
                    + " directories");
        }
      }
      default:
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            cid + " has codec 0x" + Integer.toHexString(cid.codec())
                + ", expected UnixFS (raw 0x55 or dag-pb 0x70)");
    }
  }

  private static void checkDepth(int depth, String where) {
    if (depth > MAX_DEPTH) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a DAG at most " + MAX_DEPTH + " nodes deep, found deeper at " + where);
    }
  }

  private static void checkName(String name, String directory) {
    if (name.isEmpty()
        || name.equals(".")
        || name.equals("..")
        || name.indexOf('/') >= 0
        || name.indexOf('\0') >= 0) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "unsafe entry name \"" + name + "\" in directory " + directory
              + ": expected a non-empty name without '/' or NUL, not '.' or '..'");
    }
  }

  /** A loaded node: raw bytes, or a dag-pb node with its UnixFS data. */
  private record Node(byte[] raw, DagPbNode pb, UnixFsData fs) {
    boolean isDirectory() {
      return fs != null && fs.type() == UnixFsData.Type.DIRECTORY;
    }
  }
}
