package dev.cod.node.storage;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.common.RetriableCodException;
import java.nio.file.Path;

/**
 * A storage source a job's input is fetched from, keyed by the {@code source} a job spec's input
 * names ({@code inputs[].source}). Implementations: {@link BoosterHttpSource} ({@value
 * BoosterHttpSource#TYPE}: a Filecoin piece from the SP's booster-http), {@link
 * LocalDirectorySource} ({@value LocalDirectorySource#TYPE}: an allow-listed local path); the
 * IPFS path ({@code ipfs}: {@code IpfsClient.get} over the local Kubo) fits the same shape.
 *
 * <p>Every source checks what it fetches before the job sees it (against a CID, a piece
 * commitment or an allow-list), and writes like {@code IpfsClient.get}: {@code destination} must
 * not exist, its parent directories are created, and it appears whole or not at all (the input
 * is staged in a hidden temporary sibling and moved into place; on any error nothing is left
 * behind).
 */
public interface InputSource {
  /** The source name a job spec uses for this source, e.g. {@code piece}. */
  String type();

  /**
   * Fetches the input {@code reference} names into {@code destination}: a file, or a directory
   * tree.
   *
   * @param reference what to fetch, in this source's terms: a CID ({@code ipfs}), a piece CID
   *     ({@code piece}), an absolute path ({@code local})
   * @param destination where the input goes, typically under the job's inputs directory; must
   *     not exist
   * @param maxBytes the most bytes of file content accepted, summed over all files
   * @throws CodException {@link ErrorCode#INVALID_INPUT} for a malformed or refused reference, an
   *     existing destination, content over {@code maxBytes} or a local write failure; {@link
   *     ErrorCode#CONTENT_MISMATCH} if the bytes do not match what the reference names; {@link
   *     ErrorCode#INPUT_UNAVAILABLE} if the source lacks the input ({@link RetriableCodException}
   *     when it may come back)
   */
  void fetch(String reference, Path destination, long maxBytes);
}
