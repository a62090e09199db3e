package dev.cod.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.common.CodException;
import dev.cod.filecoin.FilecoinAddress;
import dev.cod.filecoin.FilecoinAddress.Network;
import dev.cod.filecoin.lotus.JsonRpc4jLotusClient;
import dev.cod.filecoin.lotus.LocalLotusServer;
import dev.cod.filecoin.lotus.LotusRpcException;
import dev.cod.testing.LogCapture;
import java.math.BigInteger;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/** The funding path against the Lotus stand-in, which answers with Lotus's v1 shapes. */
class FilecoinFundingTest {
  private static final String TOKEN = "funding-test-token-9c1e";
  private static final String CLIENT = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
  /** Gas a stand-in message costs: GAS_USED × (BASE_FEE + DEFAULT_GAS_PREMIUM). */
  private static final BigInteger GAS_FEE = BigInteger.valueOf(LocalLotusServer.GAS_USED)
      .multiply(LocalLotusServer.BASE_FEE.add(LocalLotusServer.DEFAULT_GAS_PREMIUM));

  private LocalLotusServer server;
  private FilecoinFunding funding;
  private FilecoinAddress wallet;

  @BeforeEach
  void start() throws Exception {
    server = LocalLotusServer.start(TOKEN, Network.TESTNET);
    funding = new FilecoinFunding(new JsonRpc4jLotusClient(server.rpcUrl(), TOKEN), Network.TESTNET, 5);
    wallet = secp256k1Address();
    server.addWallet(wallet, FilAmount.ofFil(10).attoFil());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static FilecoinAddress secp256k1Address() throws Exception {
    byte[] pub = Numeric.toBytesPadded(Keys.createEcKeyPair().getPublicKey(), 64);
    byte[] uncompressed = new byte[65];
    uncompressed[0] = 4;
    System.arraycopy(pub, 0, uncompressed, 1, 64);
    return FilecoinAddress.secp256k1(Network.TESTNET, uncompressed);
  }

  @Test
  void movesExactlyTheAmountToTheF410fAddressAndWaitsForConfidence() {
    FilAmount amount = FilAmount.parse("2.5 FIL");
    long before = server.headEpoch();
    FilecoinFunding.Funded f;
    try (LogCapture logs = new LogCapture()) {
      f = funding.fund(wallet, CLIENT, amount, UUID.randomUUID());
      logs.assertNoneContains(TOKEN);
      assertThat(logs.lines()).anyMatch(l -> l.contains("funded " + f.to()));
    }
    FilecoinAddress f410 = FilecoinAddress.fromEthAddress(Network.TESTNET, CLIENT);
    assertThat(f.to()).isEqualTo(f410);
    assertThat(f.to().toString()).startsWith("t410f");
    assertThat(f.amount()).isEqualTo(amount);
    assertThat(f.height()).isEqualTo(before + 1);
    assertThat(server.headEpoch()).as("waited for 5 epochs of confidence").isEqualTo(before + 1 + 5);
    assertThat(server.balance(f410)).isEqualTo(amount.attoFil());
    assertThat(server.balance(wallet)).isEqualTo(FilAmount.ofFil(10).attoFil().subtract(amount.attoFil()).subtract(GAS_FEE));
  }

  @Test
  void aRetryWithTheSameKeyDoesNotPayTwice() {
    UUID key = UUID.randomUUID();
    FilAmount amount = FilAmount.parse("1 FIL");
    var first = funding.fund(wallet, CLIENT, amount, key);
    var again = funding.fund(wallet, CLIENT, amount, key);
    assertThat(again.message()).isEqualTo(first.message());
    assertThat(server.balance(FilecoinAddress.fromEthAddress(Network.TESTNET, CLIENT))).isEqualTo(amount.attoFil());
  }

  @Test
  void refusesWhatCannotOrMustNotBeSent() throws Exception {
    assertThatThrownBy(() -> funding.fund(wallet, CLIENT, FilAmount.ZERO, UUID.randomUUID()))
        .isInstanceOf(CodException.class).hasMessageContaining("more than 0 FIL");
    assertThatThrownBy(() -> funding.fund(wallet, CLIENT, FilAmount.ofFil(11), UUID.randomUUID()))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("at least 11 FIL").hasMessageContaining("found 10 FIL");
    assertThatThrownBy(() -> funding.fund(FilecoinAddress.fromEthAddress(Network.TESTNET, CLIENT), CLIENT,
        FilAmount.ofFil(1), UUID.randomUUID()))
        .isInstanceOf(CodException.class).hasMessageContaining("f1");
    assertThatThrownBy(() -> funding.fund(wallet, "0x1234", FilAmount.ofFil(1), UUID.randomUUID()))
        .isInstanceOf(CodException.class);
    // a key Lotus does not hold: Lotus refuses to sign
    FilecoinAddress stranger = secp256k1Address();
    server.setBalance(stranger, FilAmount.ofFil(5).attoFil());
    assertThatThrownBy(() -> funding.fund(stranger, CLIENT, FilAmount.ofFil(1), UUID.randomUUID()))
        .isInstanceOf(LotusRpcException.class).hasMessageContaining("key not found");
    assertThat(server.balance(FilecoinAddress.fromEthAddress(Network.TESTNET, CLIENT))).isZero();
    assertThat(server.balance(wallet)).isEqualTo(FilAmount.ofFil(10).attoFil());
  }
}
