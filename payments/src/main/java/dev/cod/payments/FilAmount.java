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
 * <p>Units (SI prefixes of FIL, as Lotus's {@code types.FIL} and the Filecoin docs name them):
 * {@link Unit#FIL}, milliFIL (10^-3), microFIL (10^-6), nanoFIL (10^-9), picoFIL (10^-12),
 * femtoFIL (10^-15) and attoFIL (10^-18), the smallest amount there is.
 *
 * @param attoFil the amount in attoFIL, from 0 to {@link #MAX_ATTO}
 */
public record FilAmount(BigInteger attoFil) implements Comparable<FilAmount> {
  /** attoFIL per FIL. */
  public static final BigInteger ATTO_PER_FIL = BigInteger.TEN.pow(18);
  /** The largest amount the market keeps (uint128), in attoFIL. */
  public static final BigInteger MAX_ATTO = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  public static final FilAmount ZERO = new FilAmount(BigInteger.ZERO);

  /** Longest text {@link #parse} reads: far more digits than 128 bits of attoFIL need. */
  private static final int MAX_TEXT = 100;
  private static final Pattern FORMAT = Pattern.compile(
      "\\s*([+-]?)([0-9]+(?:\\.[0-9]+)?)\\s*([a-zA-Z]+)?\\s*");

  /** A unit FIL amounts are written in, with its power of ten in attoFIL. */
  public enum Unit {
    FIL(18, "FIL"),
    MILLIFIL(15, "milliFIL"),
    MICROFIL(12, "microFIL"),
    NANOFIL(9, "nanoFIL"),
    PICOFIL(6, "picoFIL"),
    FEMTOFIL(3, "femtoFIL"),
    ATTOFIL(0, "attoFIL");

    private final int exponent;
    private final String symbol;

    Unit(int exponent, String symbol) {
      this.exponent = exponent;
      this.symbol = symbol;
    }

    /** attoFIL per one of this unit, as a power of ten. */
    public int exponent() {
      return exponent;
    }

    /** How the unit is written, e.g. {@code milliFIL}. */
    public String symbol() {
      return symbol;
    }

    /**
     * The unit named {@code name}, case-insensitive; {@code mFIL} is milliFIL.
     *
     * @throws CodException INVALID_INPUT naming the units there are
     */
    public static Unit of(String name) {
      String n = name.toLowerCase(Locale.ROOT);
      if (n.equals("mfil")) {
        return MILLIFIL;
      }
      for (Unit u : values()) {
        if (u.symbol.toLowerCase(Locale.ROOT).equals(n)) {
          return u;
        }
      }
      throw new CodException(ErrorCode.INVALID_INPUT, "expected a FIL unit (FIL, milliFIL, microFIL, nanoFIL,"
          + " picoFIL, femtoFIL or attoFIL), found \"" + name + "\"");
    }
  }

  /** @throws CodException INVALID_INPUT for a negative amount or one above 2^128 − 1 attoFIL */
  public FilAmount {
    Objects.requireNonNull(attoFil, "attoFil");
    if (attoFil.signum() < 0) {
      throw new CodException(ErrorCode.INVALID_INPUT, "FIL amount must not be negative, got " + attoFil + " attoFIL");
    }
    if (attoFil.compareTo(MAX_ATTO) > 0) {
      throw new CodException(ErrorCode.INVALID_INPUT, "FIL amount " + attoFil + " attoFIL does not fit 128 bits"
          + " (at most " + MAX_ATTO + " attoFIL)");
    }
  }

  public static FilAmount ofAtto(long attoFil) {
    return new FilAmount(BigInteger.valueOf(attoFil));
  }

  public static FilAmount ofAtto(BigInteger attoFil) {
    return new FilAmount(attoFil);
  }

  /** Whole FIL, e.g. {@code ofFil(5)} = 5 FIL. */
  public static FilAmount ofFil(long fil) {
    return new FilAmount(BigInteger.valueOf(fil).multiply(ATTO_PER_FIL));
  }

  /**
   * Parses {@code "0.01 FIL"}, {@code "5 milliFIL"}, {@code "1000 attoFIL"}; a number without a
   * unit is FIL. Units are case-insensitive ({@link Unit#of}). Zero is an amount; see
   * {@link #parsePositive} where it is not.
   *
   * @throws CodException INVALID_INPUT for a malformed or negative amount, one finer than 1 attoFIL,
   *     or one above 2^128 − 1 attoFIL; the message quotes the text and says what is accepted
   */
  public static FilAmount parse(String text) {
    if (text == null || text.isBlank()) {
      throw new CodException(ErrorCode.INVALID_INPUT,
          "expected a FIL amount like \"0.01 FIL\", \"5 milliFIL\" or \"1000 attoFIL\", found nothing");
    }
    if (text.length() > MAX_TEXT) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected a FIL amount of at most " + MAX_TEXT
          + " characters, found " + text.length());
    }
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      throw new CodException(ErrorCode.INVALID_INPUT,
          "expected a FIL amount like \"0.01 FIL\", \"5 milliFIL\" or \"1000 attoFIL\" (digits, an optional"
              + " decimal point, a unit), found \"" + text + "\"");
    }
    Unit unit = m.group(3) == null ? Unit.FIL : Unit.of(m.group(3));
    BigDecimal value = new BigDecimal(m.group(2));
    if (m.group(1).equals("-") && value.signum() != 0) {
      throw new CodException(ErrorCode.INVALID_INPUT,
          "expected a FIL amount of 0 or more, found the negative amount \"" + text.strip() + "\"");
    }
    BigDecimal atto = value.movePointRight(unit.exponent());
    BigInteger exact;
    try {
      exact = atto.toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw new CodException(ErrorCode.INVALID_INPUT, "\"" + text.strip()
          + "\" is finer than 1 attoFIL (10^-18 FIL): FIL has at most 18 decimal places", e);
    }
    if (exact.compareTo(MAX_ATTO) > 0) {
      throw new CodException(ErrorCode.INVALID_INPUT, "\"" + text.strip() + "\" does not fit: amounts are at most "
          + ofAtto(MAX_ATTO) + " (2^128 − 1 attoFIL)");
    }
    return new FilAmount(exact);
  }

  /**
   * As {@link #parse}, for an amount that must be more than zero (a transfer, a stake).
   *
   * @param what what the amount is for, named in the error (e.g. {@code "--amount"})
   * @throws CodException INVALID_INPUT as {@link #parse}, or for zero
   */
  public static FilAmount parsePositive(String text, String what) {
    FilAmount amount = parse(text);
    if (amount.isZero()) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected " + what + " to be more than 0 FIL, found \""
          + text.strip() + "\"");
    }
    return amount;
  }

  public boolean isZero() {
    return attoFil.signum() == 0;
  }

  public FilAmount plus(FilAmount other) {
    return new FilAmount(attoFil.add(other.attoFil));
  }

  /** @throws CodException INVALID_INPUT if {@code other} is larger (amounts are never negative) */
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

  /** The exact amount in {@code unit}, trailing zeros removed, e.g. {@code "12.5 milliFIL"}. */
  public String format(Unit unit) {
    BigDecimal v = new BigDecimal(attoFil).movePointLeft(unit.exponent()).stripTrailingZeros();
    return v.toPlainString() + " " + unit.symbol();
  }

  /** Exact decimal FIL with trailing zeros removed, e.g. {@code "0.0125 FIL"}. */
  @Override
  public String toString() {
    return format(Unit.FIL);
  }
}
