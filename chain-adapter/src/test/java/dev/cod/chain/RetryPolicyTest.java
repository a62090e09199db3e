package dev.cod.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy = new RetryPolicy(6, Duration.ofMillis(500), Duration.ofSeconds(8));

  @Test
  void waitsGrowExponentiallyUpToTheCapWithFullJitter() {
    assertThat(policy.backoff(1, () -> 0.999)).isEqualTo(Duration.ofMillis(499));
    assertThat(policy.backoff(2, () -> 0.999)).isEqualTo(Duration.ofMillis(999));
    assertThat(policy.backoff(4, () -> 0.5)).isEqualTo(Duration.ofMillis(2000));
    assertThat(policy.backoff(5, () -> 1.0)).isEqualTo(Duration.ofSeconds(8));
    assertThat(policy.backoff(40, () -> 1.0)).as("capped, no overflow").isEqualTo(Duration.ofSeconds(8));
    assertThat(policy.backoff(3, () -> 0.0)).isZero();
  }

  @Test
  void theWorstCaseIsTheSumOfTheCappedWaits() {
    assertThat(policy.worstCaseWait()).isEqualTo(Duration.ofMillis(500 + 1000 + 2000 + 4000 + 8000));
    assertThat(RetryPolicy.NONE.worstCaseWait()).isZero();
  }

  @Test
  void refusesABudgetThatCannotWork() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initialBackoff <= maxBackoff");
  }
}
