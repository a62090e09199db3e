package dev.cod.cid;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The piece commitment (commP) of a Filecoin piece: the root of a binary Merkle tree over the
 * piece's Fr32-padded bytes, with the piece's padded size.
 *
 * <p>How a payload of {@code n} bytes becomes a commitment (Filecoin spec, "Piece" and "Fr32
 * padding"; the streaming form of go-fil-commp-hashhash, which is byte-identical to
 * filecoin-ffi's {@code GeneratePieceCIDFromFile}):
 *
 * <ol>
 *   <li>Zero padding: the payload is padded with zero bytes to {@code 127 × 2^k} bytes, the
 *       smallest such size that holds it, at least 127 ({@link #unpaddedSize()}).
 *   <li>Fr32 padding: every 127 bytes (1016 bits, read least significant bit first) become 128
 *       bytes: after every 254 bits two zero bits are inserted, so every 32-byte leaf is below the
 *       BLS12-381 field modulus. The padded piece size ({@link #paddedSize()}) is a power of two,
 *       at least {@value #MIN_PADDED_SIZE} bytes.
 *   <li>Merkle tree: the 32-byte leaves are hashed pairwise up to one root with
 *       sha2-256-trunc254-padded: SHA-256 of {@code left ‖ right} with the two most significant
 *       bits of the digest's last byte cleared.
 * </ol>
 *
 * <p>{@link Hasher} computes this in one pass in constant memory: it keeps one pending node per
 * tree level, never the piece, and closes the tree with precomputed roots of all-zero subtrees
 * (the zero padding is never hashed byte by byte).
 *
 * <p>Shapes: a v1 piece CID ({@link #toCidV1()}, what Lotus and Boost print, {@code
 * baga6ea4sea…}) is CIDv1, codec fil-commitment-unsealed ({@code 0xf101}), multihash
 * sha2-256-trunc254-padded ({@code 0x1012}) over the 32-byte root; it does not carry the size. A
 * v2 piece CID ({@link #toCidV2()}, FRC-0069, {@code bafkzcib…}) is CIDv1, codec raw ({@code
 * 0x55}), multihash fr32-sha256-trunc254-padbintree ({@code 0x1011}) over {@code
 * uvarint(padding) uint8(height) root}, where padding is {@code unpaddedSize - payloadSize} bytes
 * and height is {@code log2(paddedSize / 32)}.
 *
 * <p>Sources: <a href="https://spec.filecoin.io/#section-systems.filecoin_files.piece">Filecoin
 * spec, Piece</a>; <a
 * href="https://github.com/filecoin-project/go-fil-commp-hashhash/blob/master/commp.go">go-fil-commp-hashhash
 * commp.go</a> (bit layout, the 65-byte minimum); <a
 * href="https://github.com/filecoin-project/go-fil-commcid">go-fil-commcid</a> (v1 piece CID);
 * <a href="https://github.com/filecoin-project/FIPs/blob/master/FRCs/frc-0069.md">FRC-0069</a>
 * (v2 piece CID).
 *
 * @param root the 32-byte root (copied in and out); its last byte has its two top bits clear
 * @param paddedSize the padded piece size in bytes: a power of two from {@value
 *     #MIN_PADDED_SIZE} to {@value #MAX_PADDED_SIZE}
 * @param payloadSize the bytes of data before zero padding, 0 to {@code paddedSize / 128 × 127};
 *     a v1 piece CID does not record it, a v2 piece CID does (as padding)
 */
public record PieceCommitment(byte[] root, long paddedSize, long payloadSize) {
  /**
   * The shortest payload a commitment is computed for, in bytes: filecoin-ffi and
   * go-fil-commp-hashhash do not define commP for fewer than 65 bytes.
   */
  public static final int MIN_PAYLOAD_BYTES = 65;
  /** The smallest padded piece size, in bytes (one Fr32 chunk: 127 bytes of data). */
  public static final long MIN_PADDED_SIZE = 128;
  /** The largest padded piece size, in bytes: 64 GiB, Filecoin's largest sector. */
  public static final long MAX_PADDED_SIZE = 1L << 36;
  /** The most payload bytes a piece can hold: {@code MAX_PADDED_SIZE / 128 × 127}. */
  public static final long MAX_PAYLOAD_BYTES = MAX_PADDED_SIZE / 128 * 127;

  private static final int NODE = 32;
  private static final int CHUNK_IN = 127;
  private static final int CHUNK_OUT = 128;
  /** Tree height of a 128-byte padded chunk: its 4 leaves hash to one node two levels up. */
  private static final int CHUNK_HEIGHT = 2;
  /** The tallest tree {@link #zeroRoot} answers for: 2^41 bytes (Lotus's zerocomm table). */
  private static final int MAX_ZERO_HEIGHT = 36;
  private static final int MAX_HEIGHT = Long.numberOfTrailingZeros(MAX_PADDED_SIZE) - 5;
  /** ZERO_ROOTS[h]: the root of a tree of height h over all-zero leaves (h = 0: a zero leaf). */
  private static final byte[][] ZERO_ROOTS = zeroRoots();

  /**
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if {@code root} is not 32 bytes with
   *     the top two bits of its last byte clear, {@code paddedSize} is not a power of two in
   *     range, or {@code payloadSize} does not fit the piece
   */
  public PieceCommitment {
    if (root == null || root.length != NODE) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a 32-byte piece commitment root, found "
              + (root == null ? "null" : root.length + " bytes"));
    }
    if ((root[NODE - 1] & 0xC0) != 0) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a piece commitment root whose last byte has its two top bits clear"
              + " (sha2-256-trunc254-padded), found 0x"
              + Integer.toHexString(root[NODE - 1] & 0xFF));
    }
    if (paddedSize < MIN_PADDED_SIZE
        || paddedSize > MAX_PADDED_SIZE
        || Long.bitCount(paddedSize) != 1) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a padded piece size that is a power of two from " + MIN_PADDED_SIZE + " to "
              + MAX_PADDED_SIZE + " bytes, found " + paddedSize);
    }
    long capacity = paddedSize / CHUNK_OUT * CHUNK_IN;
    if (payloadSize < 0 || payloadSize > capacity) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a payload of 0 to " + capacity + " bytes for a padded piece of " + paddedSize
              + " bytes, found " + payloadSize);
    }
    root = root.clone();
  }

  /**
   * The commitment of {@code data}.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if {@code data} is shorter than {@value
   *     #MIN_PAYLOAD_BYTES} bytes
   */
  public static PieceCommitment of(byte[] data) {
    Hasher hasher = hasher();
    hasher.write(data, 0, data.length);
    return hasher.finish();
  }

  /**
   * The commitment of everything {@code in} yields, read to its end (not closed). For a CAR file
   * this is the commP Boost and {@code lotus client commP} print for it.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if the stream holds fewer than {@value
   *     #MIN_PAYLOAD_BYTES} or more than {@value #MAX_PAYLOAD_BYTES} bytes
   * @throws IOException if reading fails
   */
  public static PieceCommitment of(InputStream in) throws IOException {
    Hasher hasher = hasher();
    in.transferTo(hasher);
    return hasher.finish();
  }

  /**
   * The commitment of the file at {@code file}, e.g. a CAR file.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if the file cannot be read or its size
   *     is out of range (see {@link #of(InputStream)})
   */
  public static PieceCommitment ofFile(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return of(in);
    } catch (IOException e) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "cannot read " + file + " to compute its commP: " + e, e);
    }
  }

  /** A streaming hasher; write the payload to it, then {@link Hasher#finish()}. */
  public static Hasher hasher() {
    return new Hasher();
  }

  /**
   * The root of a piece of {@code paddedSize} bytes that are all zero (Lotus's {@code
   * zerocomm.PieceComms}).
   *
   * @param paddedSize a power of two from 128 bytes to 2 TiB
   * @throws CodException {@link ErrorCode#INVALID_INPUT} for any other size
   */
  public static byte[] zeroRoot(long paddedSize) {
    if (paddedSize < MIN_PADDED_SIZE
        || Long.bitCount(paddedSize) != 1
        || heightOf(paddedSize) > MAX_ZERO_HEIGHT) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a padded piece size that is a power of two from 128 bytes to 2 TiB, found "
              + paddedSize);
    }
    return ZERO_ROOTS[heightOf(paddedSize)].clone();
  }

  /**
   * Whether {@code cid} is a piece CID: v1 (fil-commitment-unsealed with
   * sha2-256-trunc254-padded) or v2 (raw with fr32-sha256-trunc254-padbintree).
   */
  public static boolean isPieceCid(Cid cid) {
    int mh = cid.multihash().code();
    return (cid.codec() == Cid.FIL_COMMITMENT_UNSEALED && mh == Multihash.SHA2_256_TRUNC254_PADDED)
        || (cid.codec() == Cid.RAW && mh == Multihash.FR32_SHA256_TRUNC254_PADBINTREE);
  }

  /**
   * The commitment a v2 piece CID (FRC-0069) names: root, padded size ({@code 32 × 2^height})
   * and payload size ({@code unpaddedSize - padding}).
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if {@code cid} is not a v2 piece CID or
   *     names a tree outside 128 bytes to 64 GiB or more padding than the tree holds
   */
  public static PieceCommitment fromCidV2(Cid cid) {
    if (cid.codec() != Cid.RAW
        || cid.multihash().code() != Multihash.FR32_SHA256_TRUNC254_PADBINTREE) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a v2 piece CID (raw codec 0x55, multihash fr32-sha256-trunc254-padbintree"
              + " 0x1011, bafkzcib…), found " + cid);
    }
    byte[] digest = cid.multihash().digest();
    Varint.Decoded padding = Varint.decode(digest, 0);
    int height = digest[padding.length()] & 0xFF;
    if (height < CHUNK_HEIGHT || height > MAX_HEIGHT) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a piece tree height of " + CHUNK_HEIGHT + " to " + MAX_HEIGHT
              + " (128 bytes to 64 GiB), found " + height + " in " + cid);
    }
    long paddedSize = (long) NODE << height;
    long capacity = paddedSize / CHUNK_OUT * CHUNK_IN;
    if (padding.value() > capacity) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected at most " + capacity + " bytes of padding in a piece of height " + height
              + ", found " + padding.value() + " in " + cid);
    }
    byte[] root = Arrays.copyOfRange(digest, digest.length - NODE, digest.length);
    return new PieceCommitment(root, paddedSize, capacity - padding.value());
  }

  /** A copy of the 32-byte root. */
  @Override
  public byte[] root() {
    return root.clone();
  }

  /** The bytes of data plus zero padding the piece holds: {@code paddedSize / 128 × 127}. */
  public long unpaddedSize() {
    return paddedSize / CHUNK_OUT * CHUNK_IN;
  }

  /** The tree's height: {@code log2(paddedSize / 32)}; 2 for the smallest piece. */
  public int height() {
    return heightOf(paddedSize);
  }

  /** The v1 piece CID, {@code baga6ea4sea…} (fil-commitment-unsealed, sha2-256-trunc254-padded). */
  public Cid toCidV1() {
    return Cid.v1(
        Cid.FIL_COMMITMENT_UNSEALED, new Multihash(Multihash.SHA2_256_TRUNC254_PADDED, root));
  }

  /** The FRC-0069 v2 piece CID, {@code bafkzcib…} (raw, fr32-sha256-trunc254-padbintree). */
  public Cid toCidV2() {
    ByteArrayOutputStream digest = new ByteArrayOutputStream(Varint.MAX_BYTES + 1 + NODE);
    Varint.write(unpaddedSize() - payloadSize, digest);
    digest.write(height());
    digest.writeBytes(root);
    return Cid.v1(
        Cid.RAW, new Multihash(Multihash.FR32_SHA256_TRUNC254_PADBINTREE, digest.toByteArray()));
  }

  /**
   * This commitment zero-padded to a larger piece: the same payload followed by zeros up to
   * {@code targetPaddedSize} (go-fil-commp-hashhash {@code PadCommP}); itself if the size is the
   * same.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if {@code targetPaddedSize} is smaller,
   *     not a power of two or above {@value #MAX_PADDED_SIZE}
   */
  public PieceCommitment padTo(long targetPaddedSize) {
    if (targetPaddedSize < paddedSize
        || targetPaddedSize > MAX_PADDED_SIZE
        || Long.bitCount(targetPaddedSize) != 1) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a padded size that is a power of two from " + paddedSize + " to "
              + MAX_PADDED_SIZE + " bytes to pad this piece to, found " + targetPaddedSize);
    }
    byte[] node = root.clone();
    byte[] pair = new byte[2 * NODE];
    MessageDigest sha = sha256();
    for (int h = height(); h < heightOf(targetPaddedSize); h++) {
      System.arraycopy(node, 0, pair, 0, NODE);
      System.arraycopy(ZERO_ROOTS[h], 0, pair, NODE, NODE);
      hash(sha, pair, 0, node, 0);
    }
    return new PieceCommitment(node, targetPaddedSize, payloadSize);
  }

  /**
   * Whether {@code pieceCid} names this piece. A v1 piece CID names a root only: the roots must
   * be equal (so the sizes are too, bar a hash collision). A v2 piece CID must have the same
   * height and root; its padding is not compared, since the root already fixes every byte,
   * trailing zeros included (a server may send a piece with or without its zero padding).
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if {@code pieceCid} is not a piece CID
   */
  public boolean matches(Cid pieceCid) {
    if (!isPieceCid(pieceCid)) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a piece CID (baga6ea4sea… or bafkzcib…), found " + pieceCid);
    }
    if (pieceCid.codec() == Cid.FIL_COMMITMENT_UNSEALED) {
      return MessageDigest.isEqual(root, pieceCid.multihash().digest());
    }
    PieceCommitment named = fromCidV2(pieceCid);
    return named.paddedSize == paddedSize && MessageDigest.isEqual(root, named.root);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PieceCommitment other
        && paddedSize == other.paddedSize
        && payloadSize == other.payloadSize
        && Arrays.equals(root, other.root);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(root), paddedSize, payloadSize);
  }

  /** {@code commP <v1 piece CID> (padded size P bytes, payload N bytes)}. */
  @Override
  public String toString() {
    return "commP " + toCidV1() + " (padded size " + paddedSize + " bytes, payload " + payloadSize
        + " bytes, root " + HexFormat.of().formatHex(root) + ")";
  }

  private static int heightOf(long paddedSize) {
    return Long.numberOfTrailingZeros(paddedSize) - 5;
  }

  private static byte[][] zeroRoots() {
    byte[][] roots = new byte[MAX_ZERO_HEIGHT + 1][];
    roots[0] = new byte[NODE];
    MessageDigest sha = sha256();
    byte[] pair = new byte[2 * NODE];
    for (int h = 1; h <= MAX_ZERO_HEIGHT; h++) {
      System.arraycopy(roots[h - 1], 0, pair, 0, NODE);
      System.arraycopy(roots[h - 1], 0, pair, NODE, NODE);
      roots[h] = new byte[NODE];
      hash(sha, pair, 0, roots[h], 0);
    }
    return roots;
  }

  /** sha2-256-trunc254-padded of {@code in[off, off + 64)} into {@code out[outOff, outOff + 32)}. */
  private static void hash(MessageDigest sha, byte[] in, int off, byte[] out, int outOff) {
    sha.update(in, off, 2 * NODE);
    try {
      sha.digest(out, outOff, NODE);
    } catch (DigestException e) {
      throw new CodException(ErrorCode.INTERNAL, "SHA-256 refused a 32-byte output buffer", e);
    }
    out[outOff + NODE - 1] &= 0x3F;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new CodException(ErrorCode.INTERNAL, "SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Computes a piece commitment in one pass over the payload, in constant memory (one pending
   * node per tree level). Write the payload (an {@link OutputStream}, so {@code
   * in.transferTo(hasher)} works; writes never throw {@link IOException}), then call {@link
   * #finish()} once. Not thread-safe.
   */
  public static final class Hasher extends OutputStream {
    private final MessageDigest sha = sha256();
    private final byte[] carry = new byte[CHUNK_IN];
    private final byte[] padded = new byte[CHUNK_OUT];
    private final byte[] pair = new byte[2 * NODE];
    private final byte[][] pending = new byte[MAX_HEIGHT + 1][NODE];
    private final boolean[] hasPending = new boolean[MAX_HEIGHT + 1];
    private int carried;
    private long written;
    private boolean finished;

    private Hasher() {}

    /** The payload bytes written so far. */
    public long bytesWritten() {
      return written;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    /**
     * Adds {@code len} payload bytes.
     *
     * @throws CodException {@link ErrorCode#INVALID_INPUT} if the payload would exceed {@value
     *     #MAX_PAYLOAD_BYTES} bytes (the largest piece)
     * @throws IllegalStateException after {@link #finish()}
     */
    @Override
    public void write(byte[] b, int off, int len) {
      Objects.checkFromIndexSize(off, len, b.length);
      if (finished) {
        throw new IllegalStateException("this commP hasher is finished; take a new one");
      }
      if (len > MAX_PAYLOAD_BYTES - written) {
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            "expected a piece payload of at most " + MAX_PAYLOAD_BYTES
                + " bytes (a 64 GiB piece), found more: split the data into several pieces");
      }
      written += len;
      if (carried > 0) {
        int take = Math.min(len, CHUNK_IN - carried);
        System.arraycopy(b, off, carry, carried, take);
        carried += take;
        off += take;
        len -= take;
        if (carried < CHUNK_IN) {
          return;
        }
        chunk(carry, 0);
        carried = 0;
      }
      while (len >= CHUNK_IN) {
        chunk(b, off);
        off += CHUNK_IN;
        len -= CHUNK_IN;
      }
      System.arraycopy(b, off, carry, 0, len);
      carried = len;
    }

    /**
     * Zero-pads what was written to the smallest piece that holds it and returns its commitment.
     * The hasher cannot be used afterwards.
     *
     * @throws CodException {@link ErrorCode#INVALID_INPUT} if fewer than {@value
     *     #MIN_PAYLOAD_BYTES} bytes were written (commP is not defined for them)
     * @throws IllegalStateException if called twice
     */
    public PieceCommitment finish() {
      if (finished) {
        throw new IllegalStateException("this commP hasher is already finished");
      }
      if (written < MIN_PAYLOAD_BYTES) {
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            "expected a piece payload of at least " + MIN_PAYLOAD_BYTES + " bytes, found "
                + written + ": commP is not defined for shorter data (filecoin-ffi,"
                + " go-fil-commp-hashhash); a CAR file is always longer");
      }
      finished = true;
      if (carried > 0) {
        Arrays.fill(carry, carried, CHUNK_IN, (byte) 0);
        chunk(carry, 0);
      }
      long chunks = (written + CHUNK_IN - 1) / CHUNK_IN;
      // the smallest power of two >= chunks × 128 (at least 128)
      long paddedSize = Long.highestOneBit(chunks * CHUNK_OUT - 1) << 1;
      int height = heightOf(paddedSize);
      // Close the tree: each pending node is a left sibling; what came after it (acc) or, if
      // nothing did, an all-zero subtree is its right sibling.
      byte[] acc = null;
      for (int h = CHUNK_HEIGHT; h < height; h++) {
        if (hasPending[h]) {
          System.arraycopy(pending[h], 0, pair, 0, NODE);
          System.arraycopy(acc != null ? acc : ZERO_ROOTS[h], 0, pair, NODE, NODE);
        } else if (acc != null) {
          System.arraycopy(acc, 0, pair, 0, NODE);
          System.arraycopy(ZERO_ROOTS[h], 0, pair, NODE, NODE);
        } else {
          continue;
        }
        if (acc == null) {
          acc = new byte[NODE];
        }
        hash(sha, pair, 0, acc, 0);
      }
      byte[] root = acc != null ? acc : pending[height];
      return new PieceCommitment(root, paddedSize, written);
    }

    /** Fr32-pads 127 bytes at {@code in[off]} and adds the chunk's level-2 node to the tree. */
    private void chunk(byte[] in, int off) {
      fr32(in, off, padded);
      // four leaves -> two level-1 nodes (written over the first 64 bytes) -> one level-2 node
      hash(sha, padded, 0, padded, 0);
      hash(sha, padded, 2 * NODE, padded, NODE);
      hash(sha, padded, 0, padded, 0);
      push(padded);
    }

    /** Adds the level-2 node in {@code node[0, 32)}, carrying completed pairs upwards. */
    private void push(byte[] node) {
      int h = CHUNK_HEIGHT;
      while (hasPending[h]) {
        System.arraycopy(pending[h], 0, pair, 0, NODE);
        System.arraycopy(node, 0, pair, NODE, NODE);
        hash(sha, pair, 0, node, 0);
        hasPending[h] = false;
        h++;
      }
      System.arraycopy(node, 0, pending[h], 0, NODE);
      hasPending[h] = true;
    }

    /**
     * Fr32 padding of one chunk: the 1016 bits of {@code in[off, off + 127)} (least significant
     * bit of each byte first) as four runs of 254 bits, each followed by two zero bits. Run
     * {@code q} starts at input bit {@code 254q}, that is byte {@code 254q / 8} bit {@code 254q %
     * 8}: output byte {@code 32q + i} takes the top bits of input byte {@code s + i} and the low
     * bits of the next one.
     */
    static void fr32(byte[] in, int off, byte[] out) {
      for (int q = 0; q < 4; q++) {
        int bit = 254 * q;
        int s = off + bit / 8;
        int shift = bit % 8;
        int o = 32 * q;
        int end = off + CHUNK_IN;
        if (shift == 0) {
          System.arraycopy(in, s, out, o, NODE);
        } else {
          for (int i = 0; i < NODE; i++) {
            int low = (in[s + i] & 0xFF) >>> shift;
            int high = s + i + 1 < end ? (in[s + i + 1] & 0xFF) << (8 - shift) : 0;
            out[o + i] = (byte) (low | high);
          }
        }
        out[o + NODE - 1] &= 0x3F;
      }
    }
  }
}
