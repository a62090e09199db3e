package dev.cod.filecoin;

import dev.cod.cid.Varint;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import org.apache.commons.codec.CodecPolicy;
import org.apache.commons.codec.binary.Base32;
import org.web3j.crypto.Keys;

/**
 * A Filecoin address: the network it is written for and its binary form (protocol byte + payload).
 *
 * <p>Text forms ({@code f} = mainnet, {@code t} = any testnet; printing keeps the network):
 *
 * <ul>
 *   <li>{@code f0<actor ID>} — ID address; the payload is the actor ID as an unsigned LEB128 varint
 *       (at most 2^63-1), the text is the decimal ID, no checksum.
 *   <li>{@code f1…} — secp256k1 account; payload = blake2b-160 of the 65-byte uncompressed key.
 *   <li>{@code f2…} — actor address; payload = blake2b-160 of the creating data.
 *   <li>{@code f3…} — BLS account; payload = the 48-byte public key.
 *   <li>{@code f4<namespace>f…} — delegated address (FIP-0048): payload = LEB128 namespace actor
 *       ID + a sub-address of at most 54 bytes. {@code f410f…} is namespace 10, the Ethereum
 *       Address Manager (EAM), whose sub-address is a 20-byte Ethereum address.
 * </ul>
 *
 * <p>For protocols 1, 2 and 3 the text after {@code f<protocol>} is RFC 4648 base32 (lower case,
 * no padding) of payload + checksum; for protocol 4 it is the base32 of sub-address + checksum.
 * The checksum is the 4-byte blake2b of the binary form (protocol byte + payload).
 *
 * <p>Ethereum forms (FIP-0055, Lotus {@code chain/types/ethtypes}): an {@code f410f} address is
 * its 20-byte sub-address; an ID address is the "masked ID" {@code 0xff} + 11 zero bytes + the
 * 8-byte big-endian actor ID.
 *
 * <p>Sources: <a href="https://spec.filecoin.io/appendix/address/">Filecoin spec, Addresses</a>;
 * <a href="https://github.com/filecoin-project/FIPs/blob/master/FIPS/fip-0048.md">FIP-0048</a>
 * (f4); <a href="https://github.com/filecoin-project/FIPs/blob/master/FIPS/fip-0055.md">FIP-0055</a>
 * (Ethereum addresses); go-address {@code address.go} (limits: IDs below 2^63, sub-addresses up to
 * 54 bytes, strings up to 115 characters).
 *
 * @param network the network prefix the address is written with
 * @param bytes the binary form: protocol byte + payload (copied in and out)
 */
public record FilecoinAddress(Network network, byte[] bytes) {
  /** The Ethereum Address Manager's actor ID: the namespace of {@code f410f} addresses. */
  public static final long EAM_NAMESPACE = 10;
  /** Length of f1 and f2 payloads: a blake2b-160 digest, in bytes. */
  public static final int PAYLOAD_HASH_LENGTH = 20;
  /** Length of a BLS public key (f3 payload), in bytes. */
  public static final int BLS_PUBLIC_KEY_LENGTH = 48;
  /** Length of an uncompressed secp256k1 public key, in bytes. */
  public static final int SECP256K1_PUBLIC_KEY_LENGTH = 65;
  /** The longest f4 sub-address, in bytes (go-address {@code MaxSubaddressLen}). */
  public static final int MAX_SUBADDRESS_LENGTH = 54;
  /** Length of an Ethereum address, in bytes. */
  public static final int ETH_ADDRESS_LENGTH = 20;
  /** The longest address string (go-address {@code MaxAddressStringLength}). */
  public static final int MAX_STRING_LENGTH = 115;

  private static final int CHECKSUM_LENGTH = 4;
  private static final int MAX_INT64_DIGITS = 19;
  private static final int MASKED_ID_PREFIX_LENGTH = 12;
  private static final Base32 BASE32 =
      Base32.builder().setDecodingPolicy(CodecPolicy.STRICT).get();

  /** The network an address is written for: its first character. */
  public enum Network {
    /** Filecoin mainnet, prefix {@code f}. */
    MAINNET('f'),
    /** Any test network (Calibration, devnets), prefix {@code t}. */
    TESTNET('t');

    private final char prefix;

    Network(char prefix) {
      this.prefix = prefix;
    }

    /** The address prefix: {@code f} or {@code t}. */
    public char prefix() {
      return prefix;
    }
  }

  /** The address class: the first byte of the binary form and the digit after the network. */
  public enum Protocol {
    /** {@code f0}: actor ID. */
    ID(0),
    /** {@code f1}: secp256k1 account (key hash). */
    SECP256K1(1),
    /** {@code f2}: actor address (hash). */
    ACTOR(2),
    /** {@code f3}: BLS account (public key). */
    BLS(3),
    /** {@code f4}: delegated address (namespace + sub-address). */
    DELEGATED(4);

    private final int code;

    Protocol(int code) {
      this.code = code;
    }

    /** The protocol byte, 0 to 4. */
    public int code() {
      return code;
    }

    static Protocol of(int code) {
      for (Protocol p : values()) {
        if (p.code == code) {
          return p;
        }
      }
      throw invalid(
          "expected a Filecoin address protocol 0, 1, 2, 3 or 4, found " + code
              + ": use an f0/f1/f2/f3/f4 address");
    }
  }

  /**
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if the bytes are not a valid binary
   *     address: empty, unknown protocol, wrong payload length, an ID varint that is not minimal or
   *     above 2^63-1, an f4 sub-address longer than 54 bytes
   */
  public FilecoinAddress {
    if (network == null) {
      throw invalid("expected a Filecoin network (mainnet f or testnet t), found null");
    }
    if (bytes == null || bytes.length == 0) {
      throw invalid("expected a binary Filecoin address (protocol byte + payload), found no bytes");
    }
    bytes = bytes.clone();
    validateBinary(bytes);
  }

  /** The binary form (protocol byte + payload); a copy. */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The address class, from the first byte. */
  public Protocol protocol() {
    return Protocol.of(bytes[0] & 0xff);
  }

  /** The payload: the binary form without the protocol byte; a copy. */
  public byte[] payload() {
    return Arrays.copyOfRange(bytes, 1, bytes.length);
  }

  /**
   * The ID address {@code f0<actorId>}.
   *
   * @param actorId 0 to 2^63-1
   * @throws CodException {@link ErrorCode#INVALID_INPUT} for a negative ID
   */
  public static FilecoinAddress id(Network network, long actorId) {
    if (actorId < 0) {
      throw invalid("expected an actor ID from 0 to 2^63-1, found " + Long.toUnsignedString(actorId));
    }
    return new FilecoinAddress(network, concat(new byte[] {0}, Varint.encode(actorId)));
  }

  /**
   * The f1 address of a secp256k1 account: blake2b-160 of its 65-byte uncompressed public key
   * ({@code 0x04 || X || Y}).
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} for a key that is not 65 bytes
   */
  public static FilecoinAddress secp256k1(Network network, byte[] uncompressedPublicKey) {
    if (uncompressedPublicKey == null
        || uncompressedPublicKey.length != SECP256K1_PUBLIC_KEY_LENGTH) {
      throw invalid("expected a 65-byte uncompressed secp256k1 public key, found "
          + (uncompressedPublicKey == null ? "null" : uncompressedPublicKey.length + " bytes"));
    }
    return new FilecoinAddress(network, concat(new byte[] {1},
        Blake2b.digest(PAYLOAD_HASH_LENGTH, uncompressedPublicKey)));
  }

  /** The f2 address derived from {@code data}: blake2b-160 of it. */
  public static FilecoinAddress actor(Network network, byte[] data) {
    Objects.requireNonNull(data, "data");
    return new FilecoinAddress(network, concat(new byte[] {2},
        Blake2b.digest(PAYLOAD_HASH_LENGTH, data)));
  }

  /**
   * The f3 address of a BLS account: its 48-byte public key.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} for a key that is not 48 bytes
   */
  public static FilecoinAddress bls(Network network, byte[] publicKey) {
    if (publicKey == null || publicKey.length != BLS_PUBLIC_KEY_LENGTH) {
      throw invalid("expected a 48-byte BLS public key, found "
          + (publicKey == null ? "null" : publicKey.length + " bytes"));
    }
    return new FilecoinAddress(network, concat(new byte[] {3}, publicKey));
  }

  /**
   * The f4 address {@code f4<namespace>f…} of {@code subaddress} in the namespace of actor
   * {@code namespace} (FIP-0048).
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} for a negative namespace or a
   *     sub-address longer than 54 bytes
   */
  public static FilecoinAddress delegated(Network network, long namespace, byte[] subaddress) {
    Objects.requireNonNull(subaddress, "subaddress");
    if (namespace < 0) {
      throw invalid("expected an f4 namespace actor ID from 0 to 2^63-1, found "
          + Long.toUnsignedString(namespace));
    }
    return new FilecoinAddress(network,
        concat(new byte[] {4}, Varint.encode(namespace), subaddress));
  }

  /**
   * Reads a binary address (protocol byte + payload), as actors and CBOR hold it.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} as for the constructor
   */
  public static FilecoinAddress fromBytes(Network network, byte[] bytes) {
    return new FilecoinAddress(network, bytes);
  }

  /**
   * Parses an address string: {@code f} or {@code t}, the protocol digit, then the payload text.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} saying what was expected and found: an
   *     unknown network or protocol, a wrong length, a character outside lower-case base32, a bad
   *     checksum, an ID above 2^63-1
   */
  public static FilecoinAddress parse(String text) {
    if (text == null) {
      throw invalid("expected a Filecoin address (f0…, f1…, f2…, f3…, f4…), found null");
    }
    if (text.length() < 3 || text.length() > MAX_STRING_LENGTH) {
      throw invalid("expected a Filecoin address of 3 to " + MAX_STRING_LENGTH
          + " characters, found " + text.length() + " in \"" + abbreviate(text) + "\"");
    }
    Network network = switch (text.charAt(0)) {
      case 'f' -> Network.MAINNET;
      case 't' -> Network.TESTNET;
      default -> throw invalid("expected a Filecoin address starting with 'f' (mainnet) or 't'"
          + " (testnet), found '" + text.charAt(0) + "' in \"" + abbreviate(text) + "\"");
    };
    char digit = text.charAt(1);
    if (digit < '0' || digit > '4') {
      throw invalid("expected protocol 0, 1, 2, 3 or 4 after '" + text.charAt(0)
          + "', found '" + digit + "' in \"" + abbreviate(text) + "\"");
    }
    Protocol protocol = Protocol.of(digit - '0');
    String rest = text.substring(2);
    try {
      return switch (protocol) {
        case ID -> id(network, parseDecimal(rest, "actor ID"));
        case DELEGATED -> parseDelegated(network, rest);
        default -> parseHashed(network, protocol, rest);
      };
    } catch (CodException e) {
      throw new CodException(ErrorCode.INVALID_INPUT,
          "not a Filecoin address: \"" + abbreviate(text) + "\": " + e.getMessage(), e);
    }
  }

  /**
   * The address for an Ethereum address, as Lotus's {@code EthAddress.ToFilecoinAddress} maps it:
   * a masked ID ({@code 0xff00…00} + 8-byte ID) becomes {@code f0<ID>}, anything else
   * {@code f410f…}.
   *
   * @param ethAddress {@code 0x} + 40 hex digits: all lower case, all upper case, or EIP-55
   *     mixed case with a valid checksum
   * @throws CodException {@link ErrorCode#INVALID_INPUT} for another shape, a wrong EIP-55
   *     checksum, or a masked ID above 2^63-1
   */
  public static FilecoinAddress fromEthAddress(Network network, String ethAddress) {
    return fromEthAddressBytes(network, parseEthAddress(ethAddress));
  }

  /**
   * As {@link #fromEthAddress(Network, String)}, from the 20 raw bytes.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} for a length other than 20 bytes
   */
  public static FilecoinAddress fromEthAddressBytes(Network network, byte[] ethAddress) {
    if (ethAddress == null || ethAddress.length != ETH_ADDRESS_LENGTH) {
      throw invalid("expected a 20-byte Ethereum address, found "
          + (ethAddress == null ? "null" : ethAddress.length + " bytes"));
    }
    if (isMaskedId(ethAddress)) {
      long id = ByteBuffer.wrap(ethAddress, MASKED_ID_PREFIX_LENGTH, 8).getLong();
      if (id < 0) {
        throw invalid("expected a masked ID address holding an actor ID below 2^63, found "
            + toHex(ethAddress));
      }
      return id(network, id);
    }
    return delegated(network, EAM_NAMESPACE, ethAddress);
  }

  /** Whether this address has an Ethereum form without a chain lookup: f0, or f410f. */
  public boolean hasEthAddress() {
    Protocol p = protocol();
    if (p == Protocol.ID) {
      return true;
    }
    if (p != Protocol.DELEGATED || namespace() != EAM_NAMESPACE) {
      return false;
    }
    byte[] sub = subaddress();
    return sub.length == ETH_ADDRESS_LENGTH && !isMaskedId(sub);
  }

  /**
   * The Ethereum form, {@code 0x} + 40 lower-case hex digits, as Lotus's
   * {@code EthAddressFromFilecoinAddress} computes it for f0 (masked ID) and f410f (the
   * sub-address) addresses.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} for f1, f2 and f3 addresses (resolve them
   *     to their f0 ID with {@code StateLookupID} first), f4 outside namespace 10, or an f410f whose
   *     sub-address is not 20 bytes or is itself a masked ID
   */
  public String toEthAddress() {
    Protocol p = protocol();
    if (p == Protocol.ID) {
      ByteBuffer buffer = ByteBuffer.allocate(ETH_ADDRESS_LENGTH);
      buffer.put((byte) 0xff).position(MASKED_ID_PREFIX_LENGTH);
      buffer.putLong(actorId());
      return toHex(buffer.array());
    }
    if (!hasEthAddress()) {
      throw invalid("expected an f0 or f410f address to convert to an Ethereum address, found "
          + this + (p == Protocol.DELEGATED
              ? " (only namespace 10 with a 20-byte sub-address that is not a masked ID converts)"
              : ": resolve it to its f0 ID address with StateLookupID first"));
    }
    return toHex(subaddress());
  }

  /**
   * The actor ID of an f0 address.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} for another protocol
   */
  public long actorId() {
    if (protocol() != Protocol.ID) {
      throw invalid("expected an f0 ID address to read an actor ID from, found " + this
          + ": resolve it with StateLookupID first");
    }
    return Varint.decode(bytes, 1).value();
  }

  /**
   * The namespace actor ID of an f4 address.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} for another protocol
   */
  public long namespace() {
    requireDelegated();
    return Varint.decode(bytes, 1).value();
  }

  /**
   * The sub-address of an f4 address; a copy.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} for another protocol
   */
  public byte[] subaddress() {
    requireDelegated();
    int start = 1 + Varint.decode(bytes, 1).length();
    return Arrays.copyOfRange(bytes, start, bytes.length);
  }

  /** The same address written for {@code other}. */
  public FilecoinAddress withNetwork(Network other) {
    return other == network ? this : new FilecoinAddress(other, bytes);
  }

  /** Whether {@code other} has the same binary form, whatever network it is written for. */
  public boolean sameActorAs(FilecoinAddress other) {
    return other != null && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FilecoinAddress a && a.network == network && Arrays.equals(a.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return 31 * network.hashCode() + Arrays.hashCode(bytes);
  }

  /** The address string, e.g. {@code f01234}, {@code t1…}, {@code f410f…}. */
  @Override
  public String toString() {
    Protocol p = protocol();
    StringBuilder sb = new StringBuilder().append(network.prefix()).append(p.code());
    switch (p) {
      case ID -> sb.append(Varint.decode(bytes, 1).value());
      case DELEGATED -> sb.append(namespace()).append('f')
          .append(base32(concat(subaddress(), checksum(bytes))));
      default -> sb.append(base32(concat(payload(), checksum(bytes))));
    }
    return sb.toString();
  }

  private void requireDelegated() {
    if (protocol() != Protocol.DELEGATED) {
      throw invalid("expected an f4 delegated address, found " + this);
    }
  }

  private static void validateBinary(byte[] bytes) {
    Protocol protocol = Protocol.of(bytes[0] & 0xff);
    int payloadLength = bytes.length - 1;
    switch (protocol) {
      case ID -> {
        if (payloadLength == 0) {
          throw invalid("expected an ID address payload (LEB128 actor ID), found none");
        }
        Varint.Decoded id = decodeVarint(bytes, "actor ID");
        if (id.length() != payloadLength) {
          throw invalid("expected an ID address payload of exactly one varint, found "
              + (payloadLength - id.length()) + " trailing byte(s)");
        }
      }
      case SECP256K1, ACTOR -> {
        if (payloadLength != PAYLOAD_HASH_LENGTH) {
          throw invalid("expected a " + PAYLOAD_HASH_LENGTH + "-byte payload for an f"
              + protocol.code() + " address, found " + payloadLength + " bytes");
        }
      }
      case BLS -> {
        if (payloadLength != BLS_PUBLIC_KEY_LENGTH) {
          throw invalid("expected a 48-byte BLS public key for an f3 address, found "
              + payloadLength + " bytes");
        }
      }
      case DELEGATED -> {
        if (payloadLength == 0) {
          throw invalid("expected an f4 payload (LEB128 namespace + sub-address), found none");
        }
        Varint.Decoded namespace = decodeVarint(bytes, "f4 namespace");
        int subLength = payloadLength - namespace.length();
        if (subLength > MAX_SUBADDRESS_LENGTH) {
          throw invalid("expected an f4 sub-address of at most " + MAX_SUBADDRESS_LENGTH
              + " bytes, found " + subLength);
        }
      }
      default -> throw new IllegalStateException("unreachable: " + protocol);
    }
  }

  private static Varint.Decoded decodeVarint(byte[] bytes, String what) {
    try {
      return Varint.decode(bytes, 1);
    } catch (CodException e) {
      // The longest varint cod reads is 9 bytes, 63 bits: a longer one is an ID above 2^63-1.
      throw invalid("expected the " + what + " as a minimal LEB128 varint below 2^63, found "
          + HexFormat.of().formatHex(bytes, 1, bytes.length) + ": " + e.getMessage());
    }
  }

  private static FilecoinAddress parseHashed(Network network, Protocol protocol, String text) {
    byte[] decoded = decodeBase32(text);
    int payloadLength = protocol == Protocol.BLS ? BLS_PUBLIC_KEY_LENGTH : PAYLOAD_HASH_LENGTH;
    if (decoded.length != payloadLength + CHECKSUM_LENGTH) {
      throw invalid("expected " + (payloadLength + CHECKSUM_LENGTH) + " bytes (payload "
          + payloadLength + " + checksum 4) after f" + protocol.code() + ", found "
          + decoded.length);
    }
    byte[] binary = concat(new byte[] {(byte) protocol.code()},
        Arrays.copyOf(decoded, payloadLength));
    checkChecksum(binary, Arrays.copyOfRange(decoded, payloadLength, decoded.length));
    return new FilecoinAddress(network, binary);
  }

  private static FilecoinAddress parseDelegated(Network network, String text) {
    int f = text.indexOf('f');
    if (f < 0) {
      throw invalid("expected f4<namespace>f<base32>, found no 'f' after the namespace");
    }
    long namespace = parseDecimal(text.substring(0, f), "f4 namespace");
    byte[] decoded = decodeBase32(text.substring(f + 1));
    if (decoded.length < CHECKSUM_LENGTH) {
      throw invalid("expected an f4 sub-address + 4-byte checksum, found " + decoded.length
          + " bytes");
    }
    byte[] sub = Arrays.copyOf(decoded, decoded.length - CHECKSUM_LENGTH);
    if (sub.length > MAX_SUBADDRESS_LENGTH) {
      throw invalid("expected an f4 sub-address of at most " + MAX_SUBADDRESS_LENGTH
          + " bytes, found " + sub.length);
    }
    FilecoinAddress address = delegated(network, namespace, sub);
    checkChecksum(address.bytes, Arrays.copyOfRange(decoded, sub.length, decoded.length));
    return address;
  }

  private static long parseDecimal(String digits, String what) {
    if (digits.isEmpty()) {
      throw invalid("expected the " + what + " in decimal digits, found nothing");
    }
    if (digits.length() > MAX_INT64_DIGITS) {
      throw invalid("expected the " + what + " below 2^63 (at most 19 digits), found "
          + digits.length() + " digits");
    }
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        throw invalid("expected the " + what + " in decimal digits, found '" + c + "'");
      }
    }
    if (digits.length() > 1 && digits.charAt(0) == '0') {
      throw invalid("expected the " + what + " without leading zeros, found \"" + digits + "\"");
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw invalid("expected the " + what + " at most 2^63-1 (9223372036854775807), found "
          + digits);
    }
  }

  private static byte[] decodeBase32(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
        throw invalid("expected lower-case base32 (a-z, 2-7), found '" + c + "' at position "
            + (i + 1) + " of \"" + abbreviate(text) + "\""
            + (Character.isUpperCase(c) ? ": Filecoin addresses are lower case" : ""));
      }
    }
    int rem = text.length() % 8;
    if (rem == 1 || rem == 3 || rem == 6) {
      throw invalid("expected a base32 length that whole bytes produce, found " + text.length()
          + " characters");
    }
    try {
      return BASE32.decode(text.toUpperCase(Locale.ROOT) + "=".repeat(rem == 0 ? 0 : 8 - rem));
    } catch (IllegalArgumentException e) {
      throw invalid("expected canonical base32 (unused trailing bits zero), found \""
          + abbreviate(text) + "\"");
    }
  }

  private static void checkChecksum(byte[] binary, byte[] found) {
    byte[] expected = checksum(binary);
    if (!Arrays.equals(expected, found)) {
      throw invalid("checksum mismatch: expected " + HexFormat.of().formatHex(expected)
          + ", found " + HexFormat.of().formatHex(found) + ": the address is mistyped");
    }
  }

  private static byte[] checksum(byte[] binary) {
    return Blake2b.digest(CHECKSUM_LENGTH, binary);
  }

  private static String base32(byte[] data) {
    String upper = BASE32.encodeAsString(data);
    int end = upper.length();
    while (end > 0 && upper.charAt(end - 1) == '=') {
      end--;
    }
    return upper.substring(0, end).toLowerCase(Locale.ROOT);
  }

  static byte[] parseEthAddress(String text) {
    if (text == null || text.length() != 42 || !text.startsWith("0x")) {
      throw invalid("expected an Ethereum address (0x + 40 hex digits), found "
          + (text == null ? "null" : "\"" + abbreviate(text) + "\""));
    }
    String hex = text.substring(2);
    for (int i = 0; i < hex.length(); i++) {
      if (Character.digit(hex.charAt(i), 16) < 0) {
        throw invalid("expected hex digits in the Ethereum address, found '" + hex.charAt(i)
            + "' in \"" + text + "\"");
      }
    }
    boolean lower = hex.equals(hex.toLowerCase(Locale.ROOT));
    boolean upper = hex.equals(hex.toUpperCase(Locale.ROOT));
    if (!lower && !upper && !Keys.toChecksumAddress(hex).substring(2).equals(hex)) {
      throw invalid("EIP-55 checksum mismatch in \"" + text + "\": expected "
          + Keys.toChecksumAddress(hex) + "; check the address or write it in lower case");
    }
    return HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT));
  }

  private static boolean isMaskedId(byte[] eth) {
    if ((eth[0] & 0xff) != 0xff) {
      return false;
    }
    for (int i = 1; i < MASKED_ID_PREFIX_LENGTH; i++) {
      if (eth[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static String toHex(byte[] bytes) {
    return "0x" + HexFormat.of().formatHex(bytes);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static String abbreviate(String text) {
    return text.length() <= 120 ? text : text.substring(0, 117) + "...";
  }

  private static CodException invalid(String message) {
    return new CodException(ErrorCode.INVALID_INPUT, message);
  }
}
