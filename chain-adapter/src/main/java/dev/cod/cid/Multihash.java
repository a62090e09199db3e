package dev.cod.cid;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A self-describing hash: {@code varint(code) varint(digest length) digest}. cod verifies four
 * functions:
 *
 * <ul>
 *   <li>sha2-256 ({@code 0x12}, 32-byte digest; what Kubo uses with {@code hash=sha2-256});
 *   <li>identity ({@code 0x00}, the data itself, at most {@value #MAX_IDENTITY_BYTES} bytes as
 *       Kubo's verifcid allows);
 *   <li>sha2-256-trunc254-padded ({@code 0x1012}, 32 bytes): the root of a Filecoin piece
 *       commitment (commP), as in a v1 piece CID; see {@link PieceCommitment};
 *   <li>fr32-sha256-trunc254-padbintree ({@code 0x1011}, 34 to 42 bytes: {@code uvarint(padding)
 *       height root}): the FRC-0069 piece multihash of a v2 piece CID; see {@link
 *       PieceCommitment}.
 * </ul>
 *
 * <p>Source: <a href="https://github.com/multiformats/multihash">multiformats/multihash</a>, the
 * <a href="https://github.com/multiformats/multicodec/blob/master/table.csv">multicodec
 * table</a>, and <a
 * href="https://github.com/filecoin-project/FIPs/blob/master/FRCs/frc-0069.md">FRC-0069</a> (the
 * piece multihash).
 *
 * @param code the hash function's multicodec code: {@link #SHA2_256}, {@link #IDENTITY}, {@link
 *     #SHA2_256_TRUNC254_PADDED} or {@link #FR32_SHA256_TRUNC254_PADBINTREE}
 * @param digest the digest bytes (copied in and out)
 */
public record Multihash(int code, byte[] digest) {
  /** Multicodec code of the identity "hash". */
  public static final int IDENTITY = 0x00;
  /** Multicodec code of sha2-256. */
  public static final int SHA2_256 = 0x12;
  /** Length of a sha2-256 digest, in bytes. */
  public static final int SHA2_256_LENGTH = 32;
  /** The longest identity digest accepted, in bytes (Kubo's verifcid default). */
  public static final int MAX_IDENTITY_BYTES = 128;
  /**
   * Multicodec code of sha2-256-trunc254-padded: the 32-byte root of a piece commitment (commP),
   * the multihash of a v1 piece CID ({@code baga6ea4sea…}).
   */
  public static final int SHA2_256_TRUNC254_PADDED = 0x1012;
  /**
   * Multicodec code of fr32-sha256-trunc254-padbintree, the FRC-0069 piece multihash of a v2
   * piece CID ({@code bafkzcib…}): digest {@code uvarint(padding) uint8(height) root[32]}.
   */
  public static final int FR32_SHA256_TRUNC254_PADBINTREE = 0x1011;

  /**
   * @throws CodException {@link ErrorCode#INVALID_INPUT} for a code other than sha2-256 or
   *     identity, or a digest of the wrong length for the code
   */
  public Multihash {
    if (digest == null) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected a multihash digest, found null");
    }
    switch (code) {
      case SHA2_256:
        if (digest.length != SHA2_256_LENGTH) {
          throw new CodException(
              ErrorCode.INVALID_INPUT,
              "expected a 32-byte sha2-256 digest, found " + digest.length + " bytes");
        }
        break;
      case IDENTITY:
        if (digest.length > MAX_IDENTITY_BYTES) {
          throw new CodException(
              ErrorCode.INVALID_INPUT,
              "expected an identity multihash of at most " + MAX_IDENTITY_BYTES
                  + " bytes, found " + digest.length);
        }
        break;
      case SHA2_256_TRUNC254_PADDED:
        if (digest.length != SHA2_256_LENGTH) {
          throw new CodException(
              ErrorCode.INVALID_INPUT,
              "expected a 32-byte sha2-256-trunc254-padded digest (a commP), found "
                  + digest.length + " bytes");
        }
        requireTrunc254(digest, "sha2-256-trunc254-padded");
        break;
      case FR32_SHA256_TRUNC254_PADBINTREE:
        requirePieceDigest(digest);
        break;
      default:
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            "expected multihash function sha2-256 (0x12), identity (0x00), or a piece commitment"
                + " (0x1012, 0x1011), found 0x" + Integer.toHexString(code)
                + ": cod verifies only these; re-add the data with hash=sha2-256");
    }
    digest = digest.clone();
  }

  /** The sha2-256 multihash of {@code data}. */
  public static Multihash sha256(byte[] data) {
    return new Multihash(SHA2_256, sha256Digest().digest(data));
  }

  /**
   * The identity multihash of {@code data} (at most {@value #MAX_IDENTITY_BYTES} bytes).
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if {@code data} is longer
   */
  public static Multihash identity(byte[] data) {
    return new Multihash(IDENTITY, data);
  }

  /**
   * Decodes the binary multihash that starts at {@code offset} and runs to the end of {@code
   * bytes}.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if the bytes are not exactly one
   *     supported multihash
   */
  public static Multihash fromBytes(byte[] bytes, int offset) {
    Multihash mh = decodePrefix(bytes, offset);
    int end = offset + mh.encodedLength();
    if (end != bytes.length) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a multihash to end the data, found " + (bytes.length - end)
              + " extra byte(s)");
    }
    return mh;
  }

  /**
   * Decodes the binary multihash that starts at {@code offset}; bytes after it are left alone.
   * Its length is {@link #encodedLength()}.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if the bytes do not start with a
   *     supported multihash
   */
  public static Multihash decodePrefix(byte[] bytes, int offset) {
    Varint.Decoded code = Varint.decode(bytes, offset);
    Varint.Decoded length = Varint.decode(bytes, offset + code.length());
    if (code.value() > Integer.MAX_VALUE) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected multihash function sha2-256 (0x12), identity (0x00), or a piece commitment"
              + " (0x1012, 0x1011), found 0x" + Long.toHexString(code.value()));
    }
    int start = offset + code.length() + length.length();
    if (length.value() > bytes.length - start) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a multihash digest of " + length.value() + " bytes, found only "
              + (bytes.length - start));
    }
    int end = start + (int) length.value();
    return new Multihash((int) code.value(), Arrays.copyOfRange(bytes, start, end));
  }

  /** A copy of the digest. */
  @Override
  public byte[] digest() {
    return digest.clone();
  }

  /** The digest's length in bytes. */
  public int digestLength() {
    return digest.length;
  }

  /** The binary multihash: {@code varint(code) varint(length) digest}. */
  public byte[] bytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(encodedLength());
    Varint.write(code, out);
    Varint.write(digest.length, out);
    out.writeBytes(digest);
    return out.toByteArray();
  }

  /** The length of {@link #bytes()}. */
  public int encodedLength() {
    return Varint.encodedLength(code) + Varint.encodedLength(digest.length) + digest.length;
  }

  /**
   * Whether {@code data} hashes to this multihash. Identity: {@code data} equals the digest. The
   * piece functions compute the piece commitment of {@code data} ({@link PieceCommitment#of}):
   * sha2-256-trunc254-padded compares its root (at the smallest piece size that holds {@code
   * data}), fr32-sha256-trunc254-padbintree compares padding, height and root; data too short
   * or too long for a piece does not match.
   */
  public boolean matches(byte[] data) {
    switch (code) {
      case IDENTITY:
        return Arrays.equals(digest, data);
      case SHA2_256_TRUNC254_PADDED:
      case FR32_SHA256_TRUNC254_PADBINTREE:
        if (data.length < PieceCommitment.MIN_PAYLOAD_BYTES) {
          return false;
        }
        PieceCommitment piece = PieceCommitment.of(data);
        Multihash computed =
            code == SHA2_256_TRUNC254_PADDED
                ? piece.toCidV1().multihash()
                : piece.toCidV2().multihash();
        return equals(computed);
      default:
        return MessageDigest.isEqual(digest, sha256Digest().digest(data));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Multihash other && code == other.code && Arrays.equals(digest, other.digest);
  }

  @Override
  public int hashCode() {
    return 31 * code + Arrays.hashCode(digest);
  }

  /** {@code <function name>:<hex digest>}, e.g. {@code sha2-256:b94d…}. */
  @Override
  public String toString() {
    return name(code) + ":" + HexFormat.of().formatHex(digest);
  }

  private static String name(int code) {
    switch (code) {
      case SHA2_256:
        return "sha2-256";
      case IDENTITY:
        return "identity";
      case SHA2_256_TRUNC254_PADDED:
        return "sha2-256-trunc254-padded";
      case FR32_SHA256_TRUNC254_PADBINTREE:
        return "fr32-sha256-trunc254-padbintree";
      default:
        return "0x" + Integer.toHexString(code);
    }
  }

  /** A trunc254 root has the two most significant bits of its last byte clear. */
  private static void requireTrunc254(byte[] root, String what) {
    if ((root[root.length - 1] & 0xC0) != 0) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a " + what + " digest whose last byte has its two top bits clear (a root of"
              + " a trunc254 tree), found last byte 0x"
              + Integer.toHexString(root[root.length - 1] & 0xFF));
    }
  }

  /** {@code uvarint(padding) uint8(height) root[32]}, FRC-0069. */
  private static void requirePieceDigest(byte[] digest) {
    int varintLength = digest.length - 1 - SHA2_256_LENGTH;
    if (varintLength < 1 || varintLength > Varint.MAX_BYTES) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected an fr32-sha256-trunc254-padbintree digest of 34 to 42 bytes (uvarint padding,"
              + " height, 32-byte root), found " + digest.length + " bytes");
    }
    Varint.Decoded padding = Varint.decode(digest, 0);
    if (padding.length() != varintLength) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected the fr32-sha256-trunc254-padbintree padding varint to take " + varintLength
              + " byte(s) before height and root, found one of " + padding.length());
    }
    requireTrunc254(
        Arrays.copyOfRange(digest, digest.length - SHA2_256_LENGTH, digest.length),
        "fr32-sha256-trunc254-padbintree");
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new CodException(ErrorCode.INTERNAL, "SHA-256 is missing from this JVM", e);
    }
  }
}
