package dev.cod.cid;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.util.Arrays;

/**
 * Base58 with the Bitcoin alphabet ({@code base58btc}, multibase prefix {@code z}); each leading
 * zero byte is written as one {@code '1'}.
 *
 * <p>Source: <a href="https://datatracker.ietf.org/doc/html/draft-msporny-base58-03">draft-msporny-base58</a>
 * and the <a href="https://github.com/multiformats/multibase">multibase</a> table. CIDv0 strings
 * ({@code Qm…}) are base58btc without a multibase prefix.
 */
public final class Base58 {
  private static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  private static final int[] INDEXES = new int[128];

  static {
    Arrays.fill(INDEXES, -1);
    for (int i = 0; i < ALPHABET.length(); i++) {
      INDEXES[ALPHABET.charAt(i)] = i;
    }
  }

  private Base58() {}

  /** Encodes {@code bytes} (any length, may be empty) as base58btc. */
  public static String encode(byte[] bytes) {
    int zeros = 0;
    while (zeros < bytes.length && bytes[zeros] == 0) {
      zeros++;
    }
    // Digits in base 58, most significant first; log(256)/log(58) < 1.37.
    byte[] digits = new byte[(bytes.length - zeros) * 137 / 100 + 1];
    int length = 0;
    for (int i = zeros; i < bytes.length; i++) {
      int carry = bytes[i] & 0xFF;
      int j = 0;
      for (int k = digits.length - 1; (carry != 0 || j < length) && k >= 0; k--, j++) {
        carry += 256 * (digits[k] & 0xFF);
        digits[k] = (byte) (carry % 58);
        carry /= 58;
      }
      length = j;
    }
    StringBuilder out = new StringBuilder(zeros + length);
    out.append("1".repeat(zeros));
    for (int k = digits.length - length; k < digits.length; k++) {
      out.append(ALPHABET.charAt(digits[k]));
    }
    return out.toString();
  }

  /**
   * Decodes a base58btc string (no multibase prefix).
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} naming the first character outside the
   *     base58btc alphabet
   */
  public static byte[] decode(String text) {
    int zeros = 0;
    while (zeros < text.length() && text.charAt(zeros) == '1') {
      zeros++;
    }
    // Bytes, most significant first; log(58)/log(256) < 0.733.
    byte[] bytes = new byte[(text.length() - zeros) * 733 / 1000 + 1];
    int length = 0;
    for (int i = zeros; i < text.length(); i++) {
      char c = text.charAt(i);
      int carry = c < 128 ? INDEXES[c] : -1;
      if (carry < 0) {
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            "expected base58btc characters (" + ALPHABET + "), found '" + c + "' at position " + i);
      }
      int j = 0;
      for (int k = bytes.length - 1; (carry != 0 || j < length) && k >= 0; k--, j++) {
        carry += 58 * (bytes[k] & 0xFF);
        bytes[k] = (byte) carry;
        carry >>>= 8;
      }
      length = j;
    }
    byte[] out = new byte[zeros + length];
    System.arraycopy(bytes, bytes.length - length, out, zeros, length);
    return out;
  }
}
