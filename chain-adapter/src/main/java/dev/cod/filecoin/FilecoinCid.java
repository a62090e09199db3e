package dev.cod.filecoin;

import dev.cod.cid.Cid;
import dev.cod.cid.Multibase;
import dev.cod.cid.Multihash;
import dev.cod.cid.Varint;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A CIDv1 as Filecoin chain state names things: any codec and any multihash function, parsed and
 * printed but never checked against content. Lotus's JSON carries these as {@code {"/": "bafy…"}}:
 * block, message and tipset CIDs are dag-cbor with blake2b-256 ({@code bafy2bzace…}); piece CIDs
 * (commP) are fil-commitment-unsealed with sha2-256-trunc254-padded ({@code baga6ea4sea…}).
 *
 * <p>{@link Cid} is cod's content CID: it verifies bytes and so accepts only the hash functions
 * cod computes (sha2-256, identity). {@link #toCid()} converts when it can.
 *
 * <p>Sources: <a href="https://github.com/multiformats/cid">multiformats/cid</a>, the <a
 * href="https://github.com/multiformats/multicodec/blob/master/table.csv">multicodec table</a>
 * (0x71 dag-cbor, 0xf101 fil-commitment-unsealed, 0xb220 blake2b-256, 0x1012
 * sha2-256-trunc254-padded).
 *
 * @param codec multicodec code of the content (>= 0)
 * @param hashFunction multicodec code of the multihash function (>= 0)
 * @param digest the multihash digest (copied in and out), at most {@value #MAX_DIGEST_LENGTH}
 *     bytes
 */
public record FilecoinCid(long codec, long hashFunction, byte[] digest) {
  /** Multicodec of dag-cbor: blocks, messages, actor state. */
  public static final long DAG_CBOR = 0x71;
  /** Multicodec of an unsealed sector commitment (commP / commD). */
  public static final long FIL_COMMITMENT_UNSEALED = 0xf101;
  /** Multihash code of blake2b-256. */
  public static final long BLAKE2B_256 = 0xb220;
  /** Multihash code of sha2-256-trunc254-padded (piece commitments). */
  public static final long SHA2_256_TRUNC254_PADDED = 0x1012;
  /** The longest digest accepted, in bytes. */
  public static final int MAX_DIGEST_LENGTH = 128;

  /**
   * @throws CodException {@link ErrorCode#INVALID_INPUT} for a negative code or an empty or
   *     over-long digest
   */
  public FilecoinCid {
    if (codec < 0 || hashFunction < 0) {
      throw new CodException(ErrorCode.INVALID_INPUT,
          "expected multicodec codes >= 0, found codec " + codec + ", hash " + hashFunction);
    }
    if (digest == null || digest.length == 0 || digest.length > MAX_DIGEST_LENGTH) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected a CID digest of 1 to "
          + MAX_DIGEST_LENGTH + " bytes, found "
          + (digest == null ? "null" : digest.length + " bytes"));
    }
    digest = digest.clone();
  }

  /** The digest; a copy. */
  @Override
  public byte[] digest() {
    return digest.clone();
  }

  /**
   * Parses a CIDv1 string in base32 lower ({@code b…}) or base58btc ({@code z…}).
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} for a CIDv0 ({@code Qm…}; Filecoin
   *     state uses v1), another multibase, or bytes that are not exactly one CIDv1
   */
  public static FilecoinCid parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new CodException(ErrorCode.INVALID_INPUT,
          "expected a CIDv1 string (bafy…, baga…), found " + (text == null ? "null" : "\"\""));
    }
    if (text.startsWith("Qm")) {
      throw new CodException(ErrorCode.INVALID_INPUT,
          "expected a CIDv1 (bafy…, baga…), found a CIDv0 \"" + text + "\": Filecoin chain"
              + " state names objects with CIDv1");
    }
    try {
      return fromBytes(Multibase.decode(text));
    } catch (CodException e) {
      throw new CodException(ErrorCode.INVALID_INPUT,
          "not a CID: \"" + (text.length() > 100 ? text.substring(0, 97) + "..." : text) + "\": "
              + e.getMessage(), e);
    }
  }

  /**
   * Decodes a binary CIDv1: {@code varint(1) varint(codec) varint(hash) varint(length) digest}.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if the bytes are not exactly one CIDv1
   */
  public static FilecoinCid fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    Varint.Decoded version = Varint.decode(bytes, 0);
    if (version.value() != 1) {
      throw new CodException(ErrorCode.INVALID_INPUT,
          "expected CID version 1, found " + version.value());
    }
    int offset = version.length();
    Varint.Decoded codec = Varint.decode(bytes, offset);
    offset += codec.length();
    Varint.Decoded hash = Varint.decode(bytes, offset);
    offset += hash.length();
    Varint.Decoded length = Varint.decode(bytes, offset);
    offset += length.length();
    if (length.value() != bytes.length - offset) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected a " + length.value()
          + "-byte digest filling the rest of the CID, found " + (bytes.length - offset)
          + " bytes");
    }
    return new FilecoinCid(codec.value(), hash.value(),
        Arrays.copyOfRange(bytes, offset, bytes.length));
  }

  /** The CIDv1 of {@code cid} (a CIDv0 becomes its v1 form: same multihash, dag-pb). */
  public static FilecoinCid of(Cid cid) {
    Cid v1 = cid.toV1();
    return new FilecoinCid(v1.codec(), v1.multihash().code(), v1.multihash().digest());
  }

  /**
   * The CID Filecoin gives a dag-cbor block: CIDv1, dag-cbor, blake2b-256 of the block's bytes.
   * This is how Lotus names messages ({@code Message.Cid()}) and blocks.
   */
  public static FilecoinCid ofDagCbor(byte[] block) {
    return new FilecoinCid(DAG_CBOR, BLAKE2B_256, Blake2b.digest(32, block));
  }

  /** This CID as cod's content {@link Cid}, when cod verifies its hash function; else empty. */
  public Optional<Cid> toCid() {
    if (codec > Integer.MAX_VALUE || hashFunction > Integer.MAX_VALUE) {
      return Optional.empty();
    }
    try {
      return Optional.of(Cid.v1((int) codec, new Multihash((int) hashFunction, digest)));
    } catch (CodException e) {
      return Optional.empty();
    }
  }

  /** The binary CIDv1. */
  public byte[] bytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Varint.write(1, out);
    Varint.write(codec, out);
    Varint.write(hashFunction, out);
    Varint.write(digest.length, out);
    out.writeBytes(digest);
    return out.toByteArray();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FilecoinCid c && c.codec == codec && c.hashFunction == hashFunction
        && Arrays.equals(c.digest, digest);
  }

  @Override
  public int hashCode() {
    return Objects.hash(codec, hashFunction) * 31 + Arrays.hashCode(digest);
  }

  /** Multibase base32 lower, {@code b…}: the form Lotus prints. */
  @Override
  public String toString() {
    return Multibase.encodeBase32Lower(bytes());
  }
}
