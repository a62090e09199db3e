package dev.cod.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.chain.TxStore.Attempt;
import dev.cod.chain.TxStore.State;
import dev.cod.chain.TxStore.StoredTx;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.store.H2Database;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transaction store in a real H2 file, closed and opened again as after a restart. */
class TxStoreTest {
  private static final String ACCOUNT = "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private static Attempt attempt(String hash, long maxFee, long priority, Instant at) {
    return new Attempt(hash, "0x02f8" + hash.substring(2), BigInteger.valueOf(maxFee), BigInteger.valueOf(priority), at);
  }

  private static StoredTx pending(long nonce, Attempt first) {
    return new StoredTx(ACCOUNT, nonce, "0x5FbDB2315678afecb367f032d93F642f64180aa3", "0xabcdef",
        BigInteger.TEN.pow(18), BigInteger.valueOf(26_250), State.PENDING, false, List.of(first));
  }

  @Test
  void keepsNoncesAttemptsAndStatesAcrossARestart(@TempDir Path dir) {
    Path file = dir.resolve("tx");
    try (H2Database db = H2Database.open(file)) {
      TxStore store = new TxStore(db);
      assertThat(store.nextNonce(ACCOUNT)).isZero();
      store.insert(pending(7, attempt("0x01", 2_000, 1_000, T0)));
      store.insert(pending(8, attempt("0x02", 2_000, 1_000, T0)));
      store.addAttempt(ACCOUNT, 7, attempt("0x03", 2_501, 1_251, T0.plusSeconds(60)));
      store.finish(ACCOUNT, 8, State.MINED, true);
    }
    try (H2Database db = H2Database.open(file)) {
      TxStore store = new TxStore(db);
      assertThat(store.nextNonce(ACCOUNT.toLowerCase())).as("accounts in any case").isEqualTo(9);
      assertThat(store.nextAfterPending(ACCOUNT)).as("nonce 8 is mined: the chain counts it").isEqualTo(8);
      StoredTx seven = store.get(ACCOUNT, 7).orElseThrow();
      assertThat(seven.attempts()).extracting(Attempt::hash).containsExactly("0x01", "0x03");
      assertThat(seven.latest().maxFeePerGas()).isEqualTo(2_501);
      assertThat(seven.latest().sentAt()).isEqualTo(T0.plusSeconds(60));
      assertThat(seven.value()).isEqualTo(BigInteger.TEN.pow(18));
      assertThat(seven.sameCall("0x5fbdb2315678afecb367f032d93f642f64180aa3", "0xABCDEF", BigInteger.TEN.pow(18)))
          .isTrue();
      assertThat(seven.sameCall("0x5fbdb2315678afecb367f032d93f642f64180aa3", "0xabcdef", BigInteger.ONE)).isFalse();
      assertThat(store.unfinished(ACCOUNT)).extracting(StoredTx::nonce).containsExactly(7L);
      assertThat(store.get(ACCOUNT, 8).orElseThrow().state()).isEqualTo(State.MINED);
    }
  }

  @Test
  void aNonceIsStoredOnceAndARefusedOneIsForgotten(@TempDir Path dir) {
    try (H2Database db = H2Database.open(dir.resolve("tx"))) {
      TxStore store = new TxStore(db);
      store.insert(pending(0, attempt("0x10", 2_000, 1_000, T0)));
      assertThatThrownBy(() -> store.insert(pending(0, attempt("0x11", 2_000, 1_000, T0))))
          .isInstanceOfSatisfying(CodException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_FAILED));
      assertThat(store.get(ACCOUNT, 0).orElseThrow().attempts()).as("the failed insert left nothing").hasSize(1);
      store.delete(ACCOUNT, 0);
      assertThat(store.get(ACCOUNT, 0)).isEmpty();
      assertThat(store.nextNonce(ACCOUNT)).isZero();
    }
  }
}
