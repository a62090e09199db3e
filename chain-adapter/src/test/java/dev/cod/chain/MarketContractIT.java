package dev.cod.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.chain.contracts.JobMarket;
import dev.cod.common.ContractRevertedException;
import dev.cod.store.H2Database;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.tx.gas.StaticGasProvider;

/** The typed market client and the event watcher against a real {@code hardhat node}. */
class MarketContractIT {
  private static final BigInteger FIL = BigInteger.TEN.pow(18);
  private static HardhatNode node;
  private static ChainConnection chain;
  private static ChainConnection.Deployment deployment;

  @BeforeAll
  static void startChain(@TempDir Path tmp) {
    node = HardhatNode.start(HardhatNode.findHardhatDir(), tmp.resolve("hardhat.log"));
    chain = ChainConnection.open(node.rpcUrl());
    deployment = chain.deployMarket(HardhatNode.devAccount(0));
  }

  @AfterAll
  static void stopChain() {
    if (chain != null) {
      chain.close();
    }
    if (node != null) {
      node.close();
    }
  }

  private static MarketContract as(int account) {
    return chain.market(deployment.address(), HardhatNode.devAccount(account));
  }

  @Test
  void fullFastPathJobSettlesAndPaysEveryone(@TempDir Path tmp) {
    List<MarketContract> providers = List.of(as(11), as(12), as(13));
    for (int i = 0; i < providers.size(); i++) {
      providers.get(i).register(1000 + i);
      providers.get(i).stake(FIL);
    }
    MarketContract client = as(10);
    byte[] spec = {0x01, 0x55, 0x12, 0x01, 0x00};
    BigInteger maxPrice = FIL.divide(BigInteger.valueOf(100));
    PostedJob posted = client.postJob(new JobTerms(spec, 3, 2, maxPrice, FIL.divide(BigInteger.TEN), 0, 600, 600));
    assertThat(posted.jobId()).isPositive();

    BigInteger price = maxPrice.divide(BigInteger.TWO);
    for (MarketContract p : providers) {
      p.bid(posted.jobId(), price, 0);
    }
    assertThat(client.job(posted.jobId()).state()).isEqualTo(JobState.ASSIGNED);

    byte[] resultCid = {0x01, 0x70, 0x12, 0x20, 0x07};
    List<byte[]> salts = new ArrayList<>();
    SecureRandom random = new SecureRandom();
    for (MarketContract p : providers) {
      byte[] salt = new byte[32];
      random.nextBytes(salt);
      salts.add(salt);
      p.commit(posted.jobId(), p.commitmentFor(posted.jobId(), resultCid, salt));
    }
    assertThat(client.job(posted.jobId()).state()).isEqualTo(JobState.REVEALING);
    for (int i = 0; i < providers.size(); i++) {
      providers.get(i).reveal(posted.jobId(), resultCid, salts.get(i));
    }
    JobView settled = client.job(posted.jobId());
    assertThat(settled.state()).isEqualTo(JobState.FINALIZED);
    for (MarketContract p : providers) {
      assertThat(p.credits(p.account())).isEqualTo(price);
      assertThat(p.provider(p.account()).locked()).isZero();
    }
    assertThat(client.credits(client.account())).isEqualTo(maxPrice.subtract(price).multiply(BigInteger.valueOf(3)));
    assertThat(client.bids(posted.jobId())).hasSize(3).allMatch(b -> b.assigned() && b.revealed());

    providers.get(0).withdraw();
    assertThat(providers.get(0).credits(providers.get(0).account())).isZero();

    // the watcher sees the whole story once, and nothing again after a restart
    try (H2Database db = H2Database.open(tmp.resolve("watcher"))) {
      List<MarketEvent> seen = new ArrayList<>();
      new EventWatcher(chain.web3j(), deployment.address(), deployment.blockNumber(), 0, 3,
          new WatcherStore(db), "test").poll(seen::add);
      assertThat(seen).filteredOn(e -> e instanceof MarketEvent.ResultRevealed).hasSize(3);
      assertThat(seen).filteredOn(e -> e instanceof MarketEvent.JobStateChanged).hasSize(4);
      assertThat(seen).filteredOn(e -> e instanceof MarketEvent.Withdrawn).hasSize(1);
      List<MarketEvent> again = new ArrayList<>();
      new EventWatcher(chain.web3j(), deployment.address(), deployment.blockNumber(), 0, 3,
          new WatcherStore(db), "test").poll(again::add);
      assertThat(again).isEmpty();
    }
  }

  @Test
  void commitmentMatchesTheContract() throws Exception {
    Credentials provider = HardhatNode.devAccount(5);
    byte[] cid = {0x01, 0x55, 0x12, 0x20, 0x33};
    byte[] salt = new byte[32];
    salt[31] = 9;
    JobMarket wrapper = JobMarket.load(deployment.address(), chain.web3j(),
        chain.transactionManager(provider), new StaticGasProvider(BigInteger.ZERO, BigInteger.ZERO));
    byte[] onChain = wrapper.commitmentOf(BigInteger.valueOf(42), provider.getAddress(), cid, salt).send();
    assertThat(Commitments.of(chain.chainId(), deployment.address(), 42, provider.getAddress(), cid, salt))
        .isEqualTo(onChain);
  }

  @Test
  void revertsSurfaceAsTheCustomErrorName() {
    MarketContract stranger = as(15);
    assertThatThrownBy(() -> stranger.bid(99_999, BigInteger.ONE, 0))
        .isInstanceOfSatisfying(ContractRevertedException.class, e -> {
          assertThat(e.errorName()).isEqualTo("JobMarketUnknownJob");
          assertThat(e.arguments()).containsExactly(BigInteger.valueOf(99_999));
        });
    assertThatThrownBy(() -> stranger.withdraw())
        .isInstanceOfSatisfying(ContractRevertedException.class,
            e -> assertThat(e.errorName()).isEqualTo("JobMarketNothingToWithdraw"));
    assertThatThrownBy(() -> stranger.job(99_999))
        .isInstanceOfSatisfying(ContractRevertedException.class,
            e -> assertThat(e.errorName()).isEqualTo("JobMarketUnknownJob"));
  }
}
