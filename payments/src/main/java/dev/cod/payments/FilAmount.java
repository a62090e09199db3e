package dev.cod.payments;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An exact, non-negative amount of FIL, kept in attoFIL (1 FIL = 10^18 attoFIL, the FEVM's wei).
 * No floating point: parsing and printing go through {@link BigDecimal} with exact scale checks.
 *
 * @param attoFil the amount in attoFIL, at least 0
 */
public record FilAmount(BigInteger attoFil) implements Comparable<FilAmount> {
  /** attoFIL per FIL. */
  public static final BigInteger ATTO_PER_FIL = BigInteger.TEN.pow(18);
  /** The largest amount the market keeps (uint128), in attoFIL. */
  public static final BigInteger MAX_ATTO = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  public static final FilAmount ZERO = new FilAmount(BigInteger.ZERO);

  private static final Pattern FORMAT =
      Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(FIL|milliFIL|mFIL|microFIL|nanoFIL|picoFIL|femtoFIL|attoFIL)?\\s*",
          Pattern.CASE_INSENSITIVE);

  public FilAmount {
    Objects.requireNonNull(attoFil, "attoFil");
    if (attoFil.signum() < 0) {
      throw new CodException(ErrorCode.INVALID_INPUT, "FIL amount must not be negative, got " + attoFil + " attoFIL");
    }
    if (attoFil.compareTo(MAX_ATTO) > 0) {
      throw new CodException(ErrorCode.INVALID_INPUT, "FIL amount " + attoFil + " attoFIL does not fit 128 bits");
    }
  }

  public static FilAmount ofAtto(long attoFil) {
    return new FilAmount(BigInteger.valueOf(attoFil));
  }

  public static FilAmount ofAtto(BigInteger attoFil) {
    return new FilAmount(attoFil);
  }

  /**
   * Parses {@code "0.01 FIL"}, {@code "5 milliFIL"}, {@code "1000 attoFIL"}; a number without a
   * unit is FIL. Units are case-insensitive.
   *
   * @throws CodException INVALID_INPUT for a negative or malformed amount, or one finer than 1 attoFIL
   */
  public static FilAmount parse(String text) {
    if (text == null) {
      throw new CodException(ErrorCode.INVALID_INPUT, "FIL amount is missing");
    }
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      throw new CodException(ErrorCode.INVALID_INPUT,
          "expected a FIL amount like \"0.01 FIL\", \"5 milliFIL\" or \"1000 attoFIL\", got \"" + text + "\"");
    }
    String unit = m.group(2) == null ? "fil" : m.group(2).toLowerCase(Locale.ROOT);
    int exponent = switch (unit) {
      case "fil" -> 18;
      case "millifil", "mfil" -> 15;
      case "microfil" -> 12;
      case "nanofil" -> 9;
      case "picofil" -> 6;
      case "femtofil" -> 3;
      default -> 0;
    };
    BigDecimal atto = new BigDecimal(m.group(1)).movePointRight(exponent);
    try {
      return new FilAmount(atto.toBigIntegerExact());
    } catch (ArithmeticException e) {
      throw new CodException(ErrorCode.INVALID_INPUT,
          "\"" + text + "\" is finer than 1 attoFIL (10^-18 FIL)", e);
    }
  }

  public FilAmount plus(FilAmount other) {
    return new FilAmount(attoFil.add(other.attoFil));
  }

  public FilAmount minus(FilAmount other) {
    return new FilAmount(attoFil.subtract(other.attoFil));
  }

  public FilAmount times(long factor) {
    return new FilAmount(attoFil.multiply(BigInteger.valueOf(factor)));
  }

  @Override
  public int compareTo(FilAmount o) {
    return attoFil.compareTo(o.attoFil);
  }

  /** Exact decimal FIL with trailing zeros removed, e.g. {@code "0.0125 FIL"}. */
  @Override
  public String toString() {
    BigDecimal fil = new BigDecimal(attoFil).movePointLeft(18).stripTrailingZeros();
    return fil.toPlainString() + " FIL";
  }
}
