package dev.cod.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TxConfigTest {
  @Test
  void theDevnetTrustsAReceiptAtOnceAndFilecoinAfterLotussConfidence() {
    assertThat(TxConfig.forChain(31337).confirmations()).isZero();
    assertThat(TxConfig.forChain(314).confirmations()).isEqualTo(5);
    assertThat(TxConfig.forChain(314159)).isEqualTo(TxConfig.FILECOIN);
  }

  @Test
  void refusesNegativeOrZeroSettings() {
    assertThatThrownBy(() -> TxConfig.DEVNET.withConfirmations(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("confirmations");
    assertThatThrownBy(() -> TxConfig.DEVNET.withReplacementTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replacementTimeout");
  }
}
