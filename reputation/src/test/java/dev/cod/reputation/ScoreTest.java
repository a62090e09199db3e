package dev.cod.reputation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ScoreTest {
  @Test
  void newcomerScoresZeroAndAgreementBuildsIt() {
    assertThat(Score.of(0, 0, 0)).isZero();
    double c = 0;
    for (int i = 0; i < 5; i++) {
      c = Score.afterAgreement(c, true);
    }
    // reliability 6/7, confidence 5/10
    assertThat(Score.of(5, 0, c)).isCloseTo(100.0 * 6 / 7 * 0.5, within(1e-9));
  }

  @Test
  void aFaultCostsAThirdOfTheContributionAndLowersReliability() {
    double c = 9;
    assertThat(Score.afterFault(c)).isCloseTo(6, within(1e-9));
    assertThat(Score.of(9, 1, Score.afterFault(c))).isLessThan(Score.of(9, 0, c));
    assertThat(Score.of(100, 0, 100)).isLessThan(100).isGreaterThan(90);
  }

  @Test
  void unverifiedAgreementAddsNoContribution() {
    assertThat(Score.afterAgreement(2, false)).isEqualTo(2);
  }

  @Test
  void negativeInputsAreRefused() {
    assertThatThrownBy(() -> Score.of(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
