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
}
