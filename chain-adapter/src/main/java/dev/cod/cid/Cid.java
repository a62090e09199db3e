package dev.cod.cid;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.util.Objects;

/**
 * A content identifier: version, content codec and multihash.
 *
 * <ul>
 *   <li>CIDv0 is a bare sha2-256 multihash of a dag-pb block; its string is base58btc ({@code
 *       Qm…}, 46 characters) and its binary form is the 34-byte multihash.
 *   <li>CIDv1 is {@code varint(1) varint(codec) multihash}; its string is that binary form in a
 *       multibase: cod prints base32 lower ({@code bafy…} for dag-pb, {@code bafk…} for raw) and
 *       reads {@code b…} and {@code z…}.
 * </ul>
 *
 * <p>A CIDv0 and its {@link #toV1()} name the same block but are different CIDs ({@link
 * #equals} compares all three parts); compare {@link #multihash()} to ask "same bytes?".
 *
 * <p>Source: <a href="https://github.com/multiformats/cid">multiformats/cid</a> (the decoding
 * algorithm below is the spec's), <a href="https://github.com/multiformats/multicodec">multicodec
 * table</a>.
 *
 * @param version 0 or 1
 * @param codec multicodec code of the content: {@link #RAW}, {@link #DAG_PB}, {@link #DAG_CBOR}
 *     or any other code (>= 0); always {@link #DAG_PB} for version 0
 * @param multihash the hash of the block's bytes; sha2-256 for version 0
 */
public record Cid(int version, int codec, Multihash multihash) {
  /** Multicodec of raw bytes (a raw leaf: the block is file content). */
  public static final int RAW = 0x55;
  /** Multicodec of dag-pb (UnixFS files and directories). */
  public static final int DAG_PB = 0x70;
  /** Multicodec of dag-cbor. */
  public static final int DAG_CBOR = 0x71;
  /**
   * Multicodec of fil-commitment-unsealed: the codec of a v1 piece CID ({@code baga6ea4sea…}),
   * whose multihash is {@link Multihash#SHA2_256_TRUNC254_PADDED}; see {@link PieceCommitment}.
   */
  public static final int FIL_COMMITMENT_UNSEALED = 0xf101;

  private static final int V0_STRING_LENGTH = 46;
  private static final int V0_BINARY_LENGTH = 34;

  /**
   * @throws CodException {@link ErrorCode#INVALID_INPUT} for a version other than 0 or 1, a
   *     negative codec, or a CIDv0 that is not dag-pb with sha2-256
   */
  public Cid {
    if (multihash == null) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected a CID multihash, found null");
    }
    if (codec < 0) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected a codec >= 0, found " + codec);
    }
    if (version == 0) {
      if (codec != DAG_PB || multihash.code() != Multihash.SHA2_256) {
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            "expected a CIDv0 to be dag-pb (0x70) with sha2-256, found codec 0x"
                + Integer.toHexString(codec) + " with " + multihash);
      }
    } else if (version != 1) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "expected CID version 0 or 1, found " + version);
    }
  }

  /** A CIDv1 of {@code codec} and {@code multihash}. */
  public static Cid v1(int codec, Multihash multihash) {
    return new Cid(1, codec, multihash);
  }

  /**
   * The CIDv1 of a raw block: codec {@link #RAW}, sha2-256 of {@code data}. For a file of at most
   * one chunk this is what Kubo's {@code add --cid-version=1 --raw-leaves} returns.
   */
  public static Cid rawOf(byte[] data) {
    return v1(RAW, Multihash.sha256(data));
  }

  /**
   * Parses a CID string: a 46-character {@code Qm…} CIDv0, or a multibase CIDv1 in base32 lower
   * ({@code b…}) or base58btc ({@code z…}).
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} saying what was expected and found
   */
  public static Cid parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a CID (Qm… or bafy…/bafk…), found " + (text == null ? "null" : "\"\""));
    }
    try {
      if (text.length() == V0_STRING_LENGTH && text.startsWith("Qm")) {
        return fromBytes(Base58.decode(text));
      }
      byte[] bytes = Multibase.decode(text);
      if (bytes.length > 0 && bytes[0] == Multihash.SHA2_256) {
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            "expected a CIDv1 inside a multibase string, found a CIDv0 multihash: a CIDv0 is"
                + " written bare (Qm…), never with a multibase prefix");
      }
      return fromBytes(bytes);
    } catch (CodException e) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "not a CID: \"" + Multibase.abbreviate(text) + "\": " + e.getMessage(),
          e);
    }
  }

  /**
   * Decodes a binary CID, the form the market contract stores: a 34-byte {@code 0x12 0x20 …}
   * CIDv0 or a CIDv1. All bytes must belong to the CID.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if the bytes are not exactly one CID
   */
  public static Cid fromBytes(byte[] bytes) {
    Cid cid = decodePrefix(bytes, 0);
    int length = cid.encodedLength();
    if (length != bytes.length) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a binary CID of " + length + " bytes, found " + bytes.length
              + " bytes (trailing data)");
    }
    return cid;
  }

  /**
   * Decodes the binary CID that starts at {@code offset}; bytes after it are left alone (as in a
   * CAR section, where the block follows its CID). It took {@link #encodedLength()} bytes.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if the bytes do not start with a CID
   */
  public static Cid decodePrefix(byte[] bytes, int offset) {
    Objects.requireNonNull(bytes, "bytes");
    if (offset >= bytes.length) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected a binary CID, found no bytes");
    }
    if (bytes.length - offset >= V0_BINARY_LENGTH
        && bytes[offset] == Multihash.SHA2_256
        && bytes[offset + 1] == Multihash.SHA2_256_LENGTH) {
      Multihash mh = Multihash.decodePrefix(bytes, offset);
      return new Cid(0, DAG_PB, mh);
    }
    Varint.Decoded version = Varint.decode(bytes, offset);
    if (version.value() != 1) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a binary CID starting with 0x12 0x20 (CIDv0) or version varint 1, found "
              + version.value()
              + (version.value() == 2 || version.value() == 3 ? " (reserved version)" : ""));
    }
    Varint.Decoded codec = Varint.decode(bytes, offset + version.length());
    if (codec.value() > Integer.MAX_VALUE) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "expected a multicodec code, found " + codec.value());
    }
    Multihash mh = Multihash.decodePrefix(bytes, offset + version.length() + codec.length());
    return new Cid(1, (int) codec.value(), mh);
  }

  /** The binary CID: the multihash for v0, {@code varint(1) varint(codec) multihash} for v1. */
  public byte[] bytes() {
    if (version == 0) {
      return multihash.bytes();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(encodedLength());
    Varint.write(1, out);
    Varint.write(codec, out);
    out.writeBytes(multihash.bytes());
    return out.toByteArray();
  }

  /** The length of {@link #bytes()}. */
  public int encodedLength() {
    return version == 0
        ? multihash.encodedLength()
        : 1 + Varint.encodedLength(codec) + multihash.encodedLength();
  }

  /** This CID as version 1 (same codec and multihash); itself if already v1. */
  public Cid toV1() {
    return version == 1 ? this : v1(codec, multihash);
  }

  /** v0: base58btc ({@code Qm…}); v1: multibase base32 lower ({@code bafy…}, {@code bafk…}). */
  @Override
  public String toString() {
    return version == 0 ? Base58.encode(multihash.bytes()) : Multibase.encodeBase32Lower(bytes());
  }
}
