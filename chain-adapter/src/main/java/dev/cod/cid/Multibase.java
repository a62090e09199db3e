package dev.cod.cid;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.util.Locale;
import org.apache.commons.codec.CodecPolicy;
import org.apache.commons.codec.binary.Base32;

/**
 * The two multibase encodings cod reads: {@code b} (RFC 4648 base32, lower case, no padding; the
 * default for CIDv1 strings) and {@code z} (base58btc). Other prefixes are rejected.
 *
 * <p>Source: <a href="https://github.com/multiformats/multibase">multiformats/multibase</a>
 * ({@code multibase.csv} and {@code rfcs/Base32.md}).
 */
public final class Multibase {
  /** Prefix of RFC 4648 base32, lower case, unpadded. */
  public static final char BASE32_LOWER = 'b';
  /** Prefix of base58btc. */
  public static final char BASE58_BTC = 'z';

  private static final Base32 BASE32 =
      Base32.builder().setDecodingPolicy(CodecPolicy.STRICT).get();

  private Multibase() {}

  /** Encodes {@code bytes} as {@code b} + lower-case unpadded base32. */
  public static String encodeBase32Lower(byte[] bytes) {
    String upper = BASE32.encodeAsString(bytes);
    int end = upper.length();
    while (end > 0 && upper.charAt(end - 1) == '=') {
      end--;
    }
    return BASE32_LOWER + upper.substring(0, end).toLowerCase(Locale.ROOT);
  }

  /** Encodes {@code bytes} as {@code z} + base58btc. */
  public static String encodeBase58Btc(byte[] bytes) {
    return BASE58_BTC + Base58.encode(bytes);
  }

  /**
   * Decodes a multibase string whose prefix is {@code b} or {@code z}.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} for an empty string, another prefix, a
   *     character outside the alphabet, or a base32 length or trailing bits no encoder produces
   */
  public static byte[] decode(String text) {
    if (text.isEmpty()) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "expected a multibase string ('b' or 'z' prefix), found \"\"");
    }
    char prefix = text.charAt(0);
    String body = text.substring(1);
    switch (prefix) {
      case BASE32_LOWER:
        return decodeBase32Lower(body);
      case BASE58_BTC:
        return Base58.decode(body);
      default:
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            "expected multibase prefix 'b' (base32 lower) or 'z' (base58btc), found '" + prefix
                + "' in \"" + abbreviate(text) + "\"");
    }
  }

  private static byte[] decodeBase32Lower(String body) {
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            "expected lower-case base32 characters (a-z, 2-7) after 'b', found '" + c
                + "' at position " + (i + 1));
      }
    }
    int rem = body.length() % 8;
    if (rem == 1 || rem == 3 || rem == 6) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a base32 length that whole bytes produce, found " + body.length()
              + " characters");
    }
    String padded = body.toUpperCase(Locale.ROOT) + "=".repeat(rem == 0 ? 0 : 8 - rem);
    try {
      return BASE32.decode(padded);
    } catch (IllegalArgumentException e) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected canonical base32 (unused trailing bits zero), found \"b"
              + abbreviate(body) + "\"",
          e);
    }
  }

  static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
