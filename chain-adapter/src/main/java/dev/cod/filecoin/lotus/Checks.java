package dev.cod.filecoin.lotus;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.math.BigInteger;

/** Argument checks shared by the Lotus value records; each names the field it checks. */
final class Checks {
  private Checks() {}

  static <T> T notNull(T value, String field) {
    if (value == null) {
      throw invalid(field, "a value", "null");
    }
    return value;
  }

  static long atLeast(long value, long min, String field) {
    if (value < min) {
      throw invalid(field, "at least " + min, Long.toString(value));
    }
    return value;
  }

  static BigInteger nonNegative(BigInteger value, String field) {
    notNull(value, field);
    if (value.signum() < 0) {
      throw invalid(field, "an amount >= 0 attoFIL", value.toString());
    }
    return value;
  }

  static CodException invalid(String field, String expected, String found) {
    return new CodException(ErrorCode.INVALID_INPUT,
        "field '" + field + "': expected " + expected + ", found " + found);
  }
}
