package dev.cod.node.ipfs;

import dev.cod.cid.Cid;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.common.RetriableCodException;
import java.nio.file.Path;

/**
 * The node's IPFS: add results with fixed import parameters, fetch inputs with every byte checked
 * against the CID asked for.
 *
 * <p>Every method throws {@link RetriableCodException} with {@link ErrorCode#IPFS_UNAVAILABLE}
 * when the IPFS node cannot be reached, and {@link CodException} with {@link
 * ErrorCode#IPFS_UNAVAILABLE} when it answers with an error.
 */
public interface IpfsClient {
  /**
   * Adds a file or a directory tree (recursively, empty directories included) and pins it.
   *
   * <p>The import parameters are fixed so that every honest node obtains the same root CID for
   * the same bytes: CIDv1, raw leaves, fixed-size 262144-byte chunks, sha2-256, balanced DAG of at
   * most 174 links per node, no wrapping directory, no mode or mtime. Names are taken as they are
   * on disk; symbolic links and special files are refused (never followed).
   *
   * @return the root CID (for a file of at most one chunk: the raw CID of its bytes)
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if the path is missing, unreadable, a
   *     symlink or a special file, or contains one
   */
  Cid add(Path fileOrDirectory);

  /**
   * The content of the file {@code cid} names, every block verified against its CID.
   *
   * @param maxBytes the largest file accepted, in bytes
   * @throws CodException {@link ErrorCode#CONTENT_MISMATCH} if a block does not match its CID or
   *     is missing; {@link ErrorCode#INVALID_INPUT} if {@code cid} is a directory or the file is
   *     larger than {@code maxBytes}
   */
  byte[] cat(Cid cid, long maxBytes);

  /**
   * Fetches the file or directory tree {@code cid} names into {@code destination}, every block
   * verified against its CID. {@code destination} must not exist; its parent directories are
   * created. It appears whole or not at all: the tree is built in a temporary sibling and moved
   * into place. The download needs free disk beside {@code destination} for about twice the
   * content: the verified blocks are spilled there before the tree is rebuilt.
   *
   * @param maxBytes the most file content accepted, in bytes, summed over all files
   * @throws CodException {@link ErrorCode#CONTENT_MISMATCH} if a block does not match its CID or
   *     is missing; {@link ErrorCode#INVALID_INPUT} if {@code destination} exists, an entry name
   *     is unsafe ({@code ..}, {@code /}), a node type is unsupported (HAMT shard, symlink), or the
   *     content is larger than {@code maxBytes}
   */
  void get(Cid cid, Path destination, long maxBytes);

  /** Pins {@code cid} and everything it links to, recursively. */
  void pin(Cid cid);

  /** The IPFS node's version, e.g. {@code 0.38.1}. */
  String version();
}
