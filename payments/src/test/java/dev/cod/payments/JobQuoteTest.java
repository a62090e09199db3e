package dev.cod.payments;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobQuoteTest {
  private static JobQuote quote(String balance, Optional<BigInteger> estimate) {
    BigInteger limit = estimate.map(g -> g.multiply(BigInteger.valueOf(125)).divide(BigInteger.valueOf(100))).orElse(BigInteger.ZERO);
    return new JobQuote(3, FilAmount.parse("5 milliFIL"), FilAmount.parse("15 milliFIL"), FilAmount.parse("0.1 FIL"),
        estimate, limit, BigInteger.valueOf(2_000_000_000L), FilAmount.parse(balance), FilAmount.ZERO);
  }

  @Test
  void theMostItCostsIsEscrowPlusGasLimitTimesMaxFeeExactly() {
    JobQuote q = quote("1 FIL", Optional.of(BigInteger.valueOf(200_000)));
    assertThat(q.gasLimit()).isEqualTo(BigInteger.valueOf(250_000));
    assertThat(q.maxGasCost()).isEqualTo(FilAmount.ofAtto(500_000_000_000_000L));
    assertThat(q.maxTotal()).isEqualTo(FilAmount.parse("15.5 milliFIL"));
    assertThat(q.affordable()).isTrue();
    assertThat(q.shortfall()).isEqualTo(FilAmount.ZERO);
  }

  @Test
  void aBalanceShortOfEscrowPlusGasIsNotAffordableAndSaysByHowMuch() {
    JobQuote q = quote("15 milliFIL", Optional.of(BigInteger.valueOf(200_000)));
    assertThat(q.affordable()).isFalse();
    assertThat(q.shortfall()).isEqualTo(FilAmount.parse("0.5 milliFIL"));
    assertThat(quote("1 milliFIL", Optional.empty()).affordable()).as("no estimate: not affordable").isFalse();
  }
}
