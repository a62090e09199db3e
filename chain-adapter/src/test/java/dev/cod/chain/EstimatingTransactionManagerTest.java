package dev.cod.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class EstimatingTransactionManagerTest {
  @Test
  void aReplacementRaisesAFeeByMoreThanAQuarter() {
    assertThat(EstimatingTransactionManager.bumped(BigInteger.valueOf(1_000_000_000))).isEqualTo(1_250_000_001);
    assertThat(EstimatingTransactionManager.bumped(BigInteger.valueOf(3))).isEqualTo(4);
    assertThat(EstimatingTransactionManager.bumped(BigInteger.ZERO)).as("even from zero").isEqualTo(1);
  }

  /** Answers of geth, Hardhat and Lotus that mean "in already": looked up by hash, never sent anew. */
  @Test
  void readsTheNodesAlreadyInAnswers() {
    assertThat(EstimatingTransactionManager.isAlreadyIn("already known")).isTrue();
    assertThat(EstimatingTransactionManager.isAlreadyIn("Known transaction: 0xabc")).isTrue();
    assertThat(EstimatingTransactionManager.isAlreadyIn(
        "Nonce too low. Expected nonce to be 5 but got 4. Note that transactions can't be queued when automining."))
        .isTrue();
    assertThat(EstimatingTransactionManager.isAlreadyIn("minimum expected nonce is 5: message nonce too low")).isTrue();
    assertThat(EstimatingTransactionManager.isAlreadyIn("message from f410f... with nonce 4 already in mpool")).isTrue();
    assertThat(EstimatingTransactionManager.isAlreadyIn("insufficient funds for gas * price + value")).isFalse();
    assertThat(EstimatingTransactionManager.isAlreadyIn("replacement transaction underpriced")).isFalse();
    assertThat(EstimatingTransactionManager.isAlreadyIn(null)).isFalse();
  }
}
