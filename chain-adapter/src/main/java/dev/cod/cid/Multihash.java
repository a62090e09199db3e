package dev.cod.cid;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A self-describing hash: {@code varint(code) varint(digest length) digest}. cod verifies two
 * functions only: sha2-256 ({@code 0x12}, 32-byte digest; what Kubo uses with {@code
 * hash=sha2-256}) and identity ({@code 0x00}, the data itself, at most {@value
 * #MAX_IDENTITY_BYTES} bytes as Kubo's verifcid allows).
 *
 * <p>Source: <a href="https://github.com/multiformats/multihash">multiformats/multihash</a> and
 * the <a href="https://github.com/multiformats/multicodec/blob/master/table.csv">multicodec
 * table</a>.
 *
 * @param code the hash function's multicodec code: {@link #SHA2_256} or {@link #IDENTITY}
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
      default:
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            "expected multihash function sha2-256 (0x12) or identity (0x00), found 0x"
                + Integer.toHexString(code) + ": cod verifies only these; re-add the data with"
                + " hash=sha2-256");
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
          "expected multihash function sha2-256 (0x12) or identity (0x00), found 0x"
              + Long.toHexString(code.value()));
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

  /** Whether {@code data} hashes to this multihash (for identity: equals the digest). */
  public boolean matches(byte[] data) {
    if (code == IDENTITY) {
      return Arrays.equals(digest, data);
    }
    return MessageDigest.isEqual(digest, sha256Digest().digest(data));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Multihash other && code == other.code && Arrays.equals(digest, other.digest);
  }

  @Override
  public int hashCode() {
    return 31 * code + Arrays.hashCode(digest);
  }

  /** {@code sha2-256:<hex digest>} or {@code identity:<hex>}. */
  @Override
  public String toString() {
    return (code == SHA2_256 ? "sha2-256:" : "identity:") + HexFormat.of().formatHex(digest);
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new CodException(ErrorCode.INTERNAL, "SHA-256 is missing from this JVM", e);
    }
  }
}
