package dev.cod.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cod.chain.ChainConnection;
import dev.cod.chain.HardhatNode;
import dev.cod.chain.JobState;
import dev.cod.filecoin.FilecoinAddress;
import dev.cod.filecoin.FilecoinAddress.Network;
import dev.cod.filecoin.lotus.LocalLotusServer;
import dev.cod.payments.FilAmount;
import dev.cod.testing.LogCapture;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A new user's money end to end on a devnet, through the {@code cod} commands: a wallet is
 * created, funded from the Lotus stand-in's wallet (MpoolPushMessage + StateWaitMsg, then the
 * devnet bridge on Hardhat), quoted a job, asked to confirm, posts an auction, withdraws its
 * refund; the ledger of that account, of the Lotus wallet and of the bridge is exact. Then a
 * provider's stake commands.
 */
class WalletIT extends DevnetTestBase {
  private static final String SECRET = "wallet-it-secret-4e2b";
  private static final BigInteger GAS_FEE = BigInteger.valueOf(LocalLotusServer.GAS_USED)
      .multiply(LocalLotusServer.BASE_FEE.add(LocalLotusServer.DEFAULT_GAS_PREMIUM));

  @Test
  void aNewWalletIsFundedFromLotusPaysForAJobAndEveryAttoFilIsAccountedFor() throws Exception {
    Path wallets = dir.resolve("user-wallets");
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("COD_WALLET_DIR", wallets.toString());
    env.put("COD_WALLET_PASSWORD", SECRET);
    FilecoinAddress lotusWallet = devnet.lotusWallet();
    BigInteger lotusBefore = devnet.lotus().balance(lotusWallet);

    DevnetHarness.Run created;
    DevnetHarness.Run zero;
    DevnetHarness.Run negative;
    DevnetHarness.Run tooFine;
    DevnetHarness.Run tooMuch;
    DevnetHarness.Run funded;
    String address;
    try (LogCapture logs = new LogCapture()) {
      created = harness.cod(env, DevnetHarness.NO_TERMINAL, "wallet", "new");
      assertThat(created.exitCode()).as(created.err()).isZero();
      address = field(created.out(), "address");
      String from = lotusWallet.toString();
      zero = harness.cod(env, DevnetHarness.NO_TERMINAL, "wallet", "fund", "--from", from, "--amount", "0", "--to", address);
      negative = harness.cod(env, DevnetHarness.NO_TERMINAL, "wallet", "fund", "--from", from, "--amount", "-1 FIL", "--to", address);
      tooFine = harness.cod(env, DevnetHarness.NO_TERMINAL, "wallet", "fund", "--from", from, "--amount",
          "0.0000000000000000001 FIL", "--to", address);
      tooMuch = harness.cod(env, DevnetHarness.NO_TERMINAL, "wallet", "fund", "--from", from, "--amount", "5000 FIL", "--to",
          address);
      funded = harness.cod(env, DevnetHarness.NO_TERMINAL, "wallet", "fund", "--from", from, "--amount", "2.5 FIL", "--to",
          address, "--confidence", "2");
      logs.assertNoneContains(SECRET, Files.readString(dir.resolve("keys/lotus-token")).strip());
    }
    assertThat(zero.err()).contains("expected --amount to be more than 0 FIL");
    assertThat(negative.err()).contains("negative");
    assertThat(tooFine.err()).contains("finer than 1 attoFIL");
    assertThat(tooMuch.err()).contains("at least 5000 FIL").contains("found 1000 FIL");
    assertThat(funded.exitCode()).as(funded.out() + funded.err()).isZero();
    assertThat(funded.out()).contains("devnet bridge: paid 2.5 FIL to " + address);
    assertThat(funded.out()).contains("balance: 2.5 FIL");

    // Lotus side: the wallet paid the amount and the message's gas; the f410f actor got the amount
    FilecoinAddress f410 = FilecoinAddress.fromEthAddress(Network.TESTNET, address);
    assertThat(devnet.lotus().balance(f410)).isEqualTo(FilAmount.parse("2.5 FIL").attoFil());
    assertThat(devnet.lotus().balance(lotusWallet)).isEqualTo(lotusBefore.subtract(FilAmount.parse("2.5 FIL").attoFil())
        .subtract(GAS_FEE));

    DevnetHarness.Run shown = cod("wallet", "show", f410.toString());
    assertThat(shown.exitCode()).as(shown.err()).isZero();
    assertThat(shown.out()).contains("address: " + address).contains("f410f: " + f410).contains("balance: 2.5 FIL")
        .contains("market credits: 0 FIL");

    // a client config on the new wallet, with no password file: the password comes from
    // $COD_WALLET_PASSWORD (set in env)
    Path keystore = Files.list(wallets).findFirst().orElseThrow();
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    ObjectNode config = (ObjectNode) yaml.readTree(dir.resolve("client.yaml").toFile());
    config.put("keystore", keystore.toString());
    config.remove("passwordFile");
    Path userConfig = dir.resolve("user.yaml");
    yaml.writeValue(userConfig.toFile(), config);

    Path csv = hardhatDir.resolve("node_modules/vega-datasets/data/seattle-weather.csv");
    String dataCid = cod("data", "add", csv.toString()).out().trim();
    Path spec = dir.resolve("user-auction.yaml");
    Files.writeString(spec, Files.readString(hardhatDir.resolveSibling("examples/seattle-precipitation.yaml"))
        .replace("DATA_CID", dataCid).replace("bidWindow: 0s", "bidWindow: 4s"));

    DevnetHarness.Run quote = harness.cod(env, DevnetHarness.NO_TERMINAL, "--config", userConfig.toString(), "job", "quote",
        spec.toString());
    assertThat(quote.exitCode()).as(quote.out() + quote.err()).isZero();
    assertThat(quote.out()).contains("escrow        0.015 FIL (3 × 0.005 FIL max price")
        .contains("stake         0.1 FIL free stake needed by each provider").contains("gas           ")
        .contains("balance       2.5 FIL");

    long before;
    try (ChainConnection chain = ChainConnection.open(devnet.rpcUrl())) {
      before = chain.blockNumber();
    }
    // no terminal and no --yes: refused, nothing sent; "n" at the prompt: nothing sent
    DevnetHarness.Run refused = harness.cod(env, DevnetHarness.NO_TERMINAL, "--config", userConfig.toString(), "job", "run",
        spec.toString());
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.out()).contains("escrow        0.015 FIL");
    assertThat(refused.err()).contains("pass --yes");
    DevnetHarness.Run declined = harness.cod(env, WalletCommandTest.typing("n"), "--config", userConfig.toString(), "job",
        "run", spec.toString());
    assertThat(declined.out()).contains("not posted: nothing was sent");
    try (ChainConnection chain = ChainConnection.open(devnet.rpcUrl())) {
      assertThat(chain.blockNumber()).as("no transaction was sent").isEqualTo(before);
    }
    DevnetHarness.Run posted = harness.cod(env, WalletCommandTest.typing("y"), "--config", userConfig.toString(), "job",
        "run", spec.toString());
    assertThat(posted.exitCode()).as(posted.out() + posted.err()).isZero();
    long jobId = Long.parseLong(field(posted.out(), "job-id"));

    try (ChainConnection chain = ChainConnection.open(devnet.rpcUrl())) {
      var view = chain.market(devnet.market(), HardhatNode.devAccount(19));
      Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
      while (!view.job(jobId).state().isTerminal() && Instant.now().isBefore(deadline)) {
        Thread.sleep(250);
      }
      assertThat(view.job(jobId).state()).isEqualTo(JobState.FINALIZED);
    }
    DevnetHarness.Run withdrawn = harness.cod(env, DevnetHarness.NO_TERMINAL, "--config", userConfig.toString(), "wallet",
        "withdraw");
    assertThat(withdrawn.exitCode()).as(withdrawn.err()).isZero();
    // providers ask 2, 3 and 4 milliFIL: 6 of the 15 milliFIL escrow come back
    assertThat(withdrawn.out()).contains("withdrew 0.006 FIL to " + address);
    DevnetHarness.Run nothing = harness.cod(env, DevnetHarness.NO_TERMINAL, "--config", userConfig.toString(), "wallet",
        "withdraw");
    assertThat(nothing.out()).contains("nothing to withdraw");

    // the ledger of the new account: funded 2.5 FIL, paid 9 milliFIL for the job, and gas; to the attoFIL
    try (ChainConnection chain = ChainConnection.open(devnet.rpcUrl())) {
      Map<String, MoneyLedger.Line> ledger = MoneyLedger.between(chain, devnet.market(), before, chain.blockNumber(),
          List.of(address));
      System.out.print(MoneyLedger.format(ledger));
      MoneyLedger.Line l = ledger.get(address);
      assertThat(l.gas()).isPositive();
      assertThat(l.heldDelta()).isZero();
      assertThat(l.net()).isEqualTo(FilAmount.parse("9 milliFIL").attoFil().negate());
      assertThat(MoneyLedger.wallet(chain.web3j(), address, chain.blockNumber()))
          .isEqualTo(FilAmount.parse("2.491 FIL").attoFil().subtract(l.gas()));
    }
  }

  @Test
  void aProviderStakesUnstakesAndSeesItsStanding() throws Exception {
    String config = dir.resolve("provider-1.yaml").toString();
    String provider = devnet.providerAccounts().get(0);
    try (ChainConnection chain = ChainConnection.open(devnet.rpcUrl())) {
      // earnings of a job the other test ran are withdrawn by the node a round after settlement
      var view = chain.market(devnet.market(), HardhatNode.devAccount(19));
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (!view.provider(provider).balance().equals(FilAmount.ofFil(1).attoFil()) && Instant.now().isBefore(deadline)) {
        Thread.sleep(250);
      }
    }
    DevnetHarness.Run status = cod("provider", "status", "--config", config);
    assertThat(status.exitCode()).as(status.err()).isZero();
    assertThat(status.out()).contains("provider: " + provider.toLowerCase()).contains("miner f01001")
        .contains("stake: 1 FIL").contains("locked: 0 FIL").contains("free: 1 FIL").contains("credits: 0 FIL")
        .contains("jobs in flight: 0");

    assertThat(cod("provider", "stake", "0", "--config", config).err()).contains("more than 0 FIL");
    DevnetHarness.Run staked = cod("provider", "stake", "250 milliFIL", "--config", config);
    assertThat(staked.exitCode()).as(staked.err()).isZero();
    assertThat(staked.out()).contains("staked 0.25 FIL").contains("stake: 1.25 FIL").contains("free: 1.25 FIL");
    DevnetHarness.Run tooMuch = cod("provider", "unstake", "2 FIL", "--config", config);
    assertThat(tooMuch.exitCode()).isEqualTo(1);
    assertThat(tooMuch.err()).contains("expected at most the free stake 1.25 FIL");
    DevnetHarness.Run unstaked = cod("provider", "unstake", "0.25 FIL", "--config", config);
    assertThat(unstaked.exitCode()).as(unstaked.err()).isZero();
    assertThat(unstaked.out()).contains("unstaked 0.25 FIL").contains("stake: 1 FIL");
    DevnetHarness.Run again = cod("provider", "register", "--config", config);
    assertThat(again.err()).contains("already provider");
  }
}
