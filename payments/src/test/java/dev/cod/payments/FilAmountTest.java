package dev.cod.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.common.CodException;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class FilAmountTest {
  @Test
  void parsesEveryUnitExactly() {
    assertThat(FilAmount.parse("1 FIL").attoFil()).isEqualTo(BigInteger.TEN.pow(18));
    assertThat(FilAmount.parse("0.005 FIL").attoFil()).isEqualTo(new BigInteger("5000000000000000"));
    assertThat(FilAmount.parse("0.005").attoFil()).isEqualTo(new BigInteger("5000000000000000"));
    assertThat(FilAmount.parse("5 milliFIL")).isEqualTo(FilAmount.parse("0.005 FIL"));
    assertThat(FilAmount.parse("1000 attofil").attoFil()).isEqualTo(BigInteger.valueOf(1000));
    assertThat(FilAmount.parse("0.000000000000000001 FIL").attoFil()).isEqualTo(BigInteger.ONE);
  }

  @Test
  void printsExactDecimalFil() {
    assertThat(FilAmount.parse("12.5 milliFIL")).hasToString("0.0125 FIL");
    assertThat(FilAmount.ZERO).hasToString("0 FIL");
    assertThat(FilAmount.ofAtto(1)).hasToString("0.000000000000000001 FIL");
  }

  @Test
  void rejectsWhatIsNotAnAmount() {
    assertThatThrownBy(() -> FilAmount.parse("-1 FIL")).isInstanceOf(CodException.class).hasMessageContaining("-1 FIL");
    assertThatThrownBy(() -> FilAmount.parse("0.5 attoFIL")).isInstanceOf(CodException.class).hasMessageContaining("finer than 1 attoFIL");
    assertThatThrownBy(() -> FilAmount.parse("1e3 FIL")).isInstanceOf(CodException.class);
    assertThatThrownBy(() -> FilAmount.parse("one FIL")).isInstanceOf(CodException.class);
    assertThatThrownBy(() -> FilAmount.ofAtto(-1)).isInstanceOf(CodException.class).hasMessageContaining("negative");
    assertThatThrownBy(() -> FilAmount.ofAtto(FilAmount.MAX_ATTO.add(BigInteger.ONE)))
        .isInstanceOf(CodException.class).hasMessageContaining("128 bits");
  }

  @Test
  void arithmeticStaysExact() {
    FilAmount price = FilAmount.parse("0.003 FIL");
    assertThat(price.times(3).minus(FilAmount.parse("0.002 FIL"))).isEqualTo(FilAmount.parse("0.007 FIL"));
    assertThatThrownBy(() -> price.minus(FilAmount.parse("1 FIL"))).isInstanceOf(CodException.class);
  }

  @Test
  void parsesAndPrintsEveryUnit() {
    assertThat(FilAmount.parse("1 microFIL").attoFil()).isEqualTo(BigInteger.TEN.pow(12));
    assertThat(FilAmount.parse("1 nanoFIL").attoFil()).isEqualTo(BigInteger.TEN.pow(9));
    assertThat(FilAmount.parse("1 picoFIL").attoFil()).isEqualTo(BigInteger.TEN.pow(6));
    assertThat(FilAmount.parse("1 femtoFIL").attoFil()).isEqualTo(BigInteger.TEN.pow(3));
    assertThat(FilAmount.parse("2 mFIL")).isEqualTo(FilAmount.parse("2 milliFIL"));
    assertThat(FilAmount.parse(" 7 ")).isEqualTo(FilAmount.ofFil(7));
    assertThat(FilAmount.parse("-0 FIL")).isEqualTo(FilAmount.ZERO);
    FilAmount a = FilAmount.parse("12.5 milliFIL");
    assertThat(a.format(FilAmount.Unit.MILLIFIL)).isEqualTo("12.5 milliFIL");
    assertThat(a.format(FilAmount.Unit.ATTOFIL)).isEqualTo("12500000000000000 attoFIL");
    assertThat(a.format(FilAmount.Unit.NANOFIL)).isEqualTo("12500000 nanoFIL");
    for (FilAmount.Unit u : FilAmount.Unit.values()) {
      assertThat(FilAmount.parse(a.format(u))).as("round trip in %s", u).isEqualTo(a);
      assertThat(FilAmount.parse(FilAmount.ofAtto(FilAmount.MAX_ATTO).format(u))).isEqualTo(FilAmount.ofAtto(FilAmount.MAX_ATTO));
    }
  }

  @Test
  void rejectsZeroNegativeTooPreciseAndTooLargeWithWhatToDo() {
    assertThatThrownBy(() -> FilAmount.parsePositive("0 FIL", "--amount")).isInstanceOf(CodException.class)
        .hasMessageContaining("expected --amount to be more than 0 FIL").hasMessageContaining("\"0 FIL\"");
    assertThatThrownBy(() -> FilAmount.parsePositive("0.000 milliFIL", "--amount")).hasMessageContaining("more than 0");
    assertThatThrownBy(() -> FilAmount.parse("-0.5 FIL")).isInstanceOf(CodException.class)
        .hasMessageContaining("negative").hasMessageContaining("-0.5 FIL");
    assertThatThrownBy(() -> FilAmount.parse("1.0000000000000000001 FIL")).isInstanceOf(CodException.class)
        .hasMessageContaining("finer than 1 attoFIL").hasMessageContaining("18 decimal places");
    assertThatThrownBy(() -> FilAmount.parse("0.1 attoFIL")).hasMessageContaining("finer than 1 attoFIL");
    assertThatThrownBy(() -> FilAmount.parse("340282366920938463463.374607431768211456 FIL"))
        .isInstanceOf(CodException.class).hasMessageContaining("does not fit").hasMessageContaining("2^128");
    assertThatThrownBy(() -> FilAmount.parse("1".repeat(101))).hasMessageContaining("at most 100 characters");
    assertThatThrownBy(() -> FilAmount.parse("5 kiloFIL")).hasMessageContaining("expected a FIL unit")
        .hasMessageContaining("kiloFIL");
    assertThatThrownBy(() -> FilAmount.parse("")).hasMessageContaining("found nothing");
    assertThatThrownBy(() -> FilAmount.parse(".5 FIL")).hasMessageContaining("\".5 FIL\"");
    assertThatThrownBy(() -> FilAmount.parse("1,5 FIL")).isInstanceOf(CodException.class);
    assertThat(FilAmount.parse("340282366920938463463.374607431768211455 FIL").attoFil()).isEqualTo(FilAmount.MAX_ATTO);
  }
}
