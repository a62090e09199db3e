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
import java.util.HexFormat;
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
  private static DevnetOracles oracles;

  @BeforeAll
  static void startChain(@TempDir Path tmp) {
    node = HardhatNode.start(HardhatNode.findHardhatDir(), tmp.resolve("hardhat.log"));
    chain = ChainConnection.open(node.rpcUrl());
    oracles = DevnetOracles.deploy(chain, HardhatNode.devAccount(0));
    deployment = oracles.deployMarket(HardhatNode.devAccount(0));
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
      oracles.setController(1000 + i, providers.get(i).account(), true);
      providers.get(i).register(1000 + i);
      providers.get(i).stake(FIL);
    }
    MarketContract client = as(10);
    byte[] spec = {0x01, 0x55, 0x12, 0x01, 0x00};
    BigInteger maxPrice = FIL.divide(BigInteger.valueOf(100));
    PostedJob posted = client.postJob(new JobTerms(spec, 3, 2, maxPrice, FIL.divide(BigInteger.TEN), 0, 600, 600));
    assertThat(posted.jobId()).isPositive();

    // fast path: each provider runs the job first and bids with its commitment
    byte[] resultCid = {0x01, 0x70, 0x12, 0x20, 0x07};
    List<byte[]> salts = new ArrayList<>();
    List<Integer> indexes = new ArrayList<>();
    SecureRandom random = new SecureRandom();
    List<BigInteger> balancesBefore = new ArrayList<>();
    for (MarketContract p : providers) {
      byte[] salt = new byte[32];
      random.nextBytes(salt);
      salts.add(salt);
      balancesBefore.add(p.provider(p.account()).balance());
      indexes.add(p.bid(posted.jobId(), BigInteger.ZERO, 0, p.commitmentFor(posted.jobId(), resultCid, salt)).index());
    }
    assertThat(indexes).containsExactly(0, 1, 2);
    JobView revealing = client.job(posted.jobId());
    assertThat(revealing.state()).isEqualTo(JobState.REVEALING);
    assertThat(revealing.revealsOpenAt(revealing.deadline() - 1)).isTrue();
    assertThat(client.bids(posted.jobId())).hasSize(3).allMatch(b -> b.assigned() && b.committed() && !b.revealed());
    for (int i = 0; i < providers.size(); i++) {
      providers.get(i).reveal(posted.jobId(), indexes.get(i), resultCid, salts.get(i));
    }
    JobView settled = client.job(posted.jobId());
    assertThat(settled.state()).isEqualTo(JobState.FINALIZED);
    for (int i = 0; i < providers.size(); i++) {
      MarketContract p = providers.get(i);
      ProviderView after = p.provider(p.account());
      assertThat(after.balance()).isEqualTo(balancesBefore.get(i).add(maxPrice));
      assertThat(after.locked()).isZero();
      assertThat(after.minerId()).isEqualTo(1000 + i);
    }
    assertThat(client.credits(client.account())).as("the fast path pays the whole escrow").isZero();
    assertThat(client.bids(posted.jobId())).as("settlement clears the bids").isEmpty();

    providers.get(0).withdrawStake(maxPrice);
    assertThat(providers.get(0).provider(providers.get(0).account()).balance()).isEqualTo(balancesBefore.get(0));

    // the watcher sees the whole story once, and nothing again after a restart
    try (H2Database db = H2Database.open(tmp.resolve("watcher"))) {
      List<MarketEvent> seen = new ArrayList<>();
      new EventWatcher(chain.web3j(), deployment.address(), deployment.blockNumber(), 0, 3,
          new WatcherStore(db), "test").poll(seen::add);
      assertThat(seen).filteredOn(e -> e instanceof MarketEvent.ResultRevealed).hasSize(3);
      assertThat(seen).filteredOn(e -> e instanceof MarketEvent.JobStateChanged).hasSize(3);
      assertThat(seen).filteredOn(e -> e instanceof MarketEvent.ResultAccepted).hasSize(1);
      assertThat(seen).filteredOn(e -> e instanceof MarketEvent.BidPlaced).hasSize(3);
      List<MarketEvent> again = new ArrayList<>();
      new EventWatcher(chain.web3j(), deployment.address(), deployment.blockNumber(), 0, 3,
          new WatcherStore(db), "test").poll(again::add);
      assertThat(again).isEmpty();
    }
  }

  @Test
  void aProviderRegistersOnlyWithAMinerItControls() {
    MarketContract provider = as(16);
    assertThatThrownBy(() -> provider.register(2016))
        .isInstanceOfSatisfying(ContractRevertedException.class, e -> {
          assertThat(e.errorName()).isEqualTo("JobMarketNotMinerController");
          assertThat(e.arguments()).containsExactly(provider.account(), BigInteger.valueOf(2016));
        });
    assertThat(provider.provider(provider.account()).registered()).isFalse();
    // only the oracles' deployer may set them: the error of the double is decoded by name too
    DevnetOracles notDeployer = DevnetOracles.at(chain, HardhatNode.devAccount(16), oracles.dealOracle(),
        oracles.minerOracle());
    assertThatThrownBy(() -> notDeployer.setController(2016, provider.account(), true))
        .isInstanceOfSatisfying(ContractRevertedException.class,
            e -> assertThat(e.errorName()).isEqualTo("MockMinerOracleNotDeployer"));

    oracles.setController(2016, provider.account(), true);
    assertThat(oracles.controls(2016, provider.account())).isTrue();
    provider.register(2016);
    ProviderView registered = provider.provider(provider.account());
    assertThat(registered.registered()).isTrue();
    assertThat(registered.minerId()).isEqualTo(2016);
  }

  @Test
  void aJobWithAnInputPieceTakesOnlyBidsWithAnActiveDealOfTheBiddersMiner() {
    // a market of its own on the same oracles: the other tests count the shared market's events
    ChainConnection.Deployment own = oracles.deployMarket(HardhatNode.devAccount(0));
    MarketContract provider = chain.market(own.address(), HardhatNode.devAccount(17));
    MarketContract other = chain.market(own.address(), HardhatNode.devAccount(18));
    oracles.setController(2017, provider.account(), true);
    oracles.setController(2018, other.account(), true);
    provider.register(2017);
    other.register(2018);
    provider.stake(FIL);
    byte[] piece = HexFormat.of().parseHex("0181e203922020" + "ab".repeat(32)); // CIDv1 commP
    oracles.recordActiveDeal(70, piece, 2017, 10_000);
    oracles.recordActiveDeal(71, piece, 2018, 10_000);
    oracles.recordDeal(72, piece, 2017, 0, 10_000, false, false);
    assertThat(oracles.dealStatus(70, piece, 2017)).isEqualTo(DealStatus.ACTIVE);
    assertThat(oracles.dealStatus(72, piece, 2017)).isEqualTo(DealStatus.NOT_ACTIVATED);
    assertThat(oracles.dealStatus(73, piece, 2017)).isEqualTo(DealStatus.UNKNOWN);

    MarketContract client = chain.market(own.address(), HardhatNode.devAccount(10));
    byte[] spec = {0x01, 0x55, 0x12, 0x01, 0x02};
    BigInteger maxPrice = FIL.divide(BigInteger.valueOf(100));
    JobTerms terms = new JobTerms(spec, 1, 1, maxPrice, FIL.divide(BigInteger.TEN), 0, 600, 600).withInputPiece(piece);
    PostedJob posted = client.postJob(terms);
    long jobId = posted.jobId();
    MarketEvent.JobPosted event = new MarketHistory(chain.web3j(), own.address(), own.blockNumber(), 1000)
        .events(jobId).stream().filter(e -> e instanceof MarketEvent.JobPosted).map(e -> (MarketEvent.JobPosted) e)
        .findFirst().orElseThrow();
    assertThat(event.inputPieceCid()).isEqualTo(piece);

    assertThatThrownBy(() -> provider.bid(jobId, BigInteger.ZERO, 0, new byte[32]))
        .isInstanceOfSatisfying(ContractRevertedException.class, e -> {
          assertThat(e.errorName()).isEqualTo("JobMarketDealRequired");
          assertThat(e.arguments()).containsExactly(BigInteger.valueOf(jobId));
        });
    for (long[] rejected : new long[][] {
        {71, DealStatus.WRONG_PROVIDER.ordinal()}, {72, DealStatus.NOT_ACTIVATED.ordinal()},
        {73, DealStatus.UNKNOWN.ordinal()}}) {
      assertThatThrownBy(() -> provider.bid(jobId, BigInteger.ZERO, rejected[0], new byte[32]))
          .isInstanceOfSatisfying(ContractRevertedException.class, e -> {
            assertThat(e.errorName()).isEqualTo("JobMarketDealRejected");
            assertThat(e.arguments()).containsExactly(BigInteger.valueOf(jobId), BigInteger.valueOf(rejected[0]),
                BigInteger.valueOf(rejected[1]));
          });
    }

    byte[] resultCid = {0x01, 0x70, 0x12, 0x20, 0x08};
    PlacedBid bid = provider.bid(jobId, BigInteger.ZERO, 70, new byte[32]);
    provider.reveal(jobId, bid.index(), resultCid, new byte[32]);
    assertThat(client.job(jobId).state()).isEqualTo(JobState.FINALIZED);

    oracles.expireDeal(70);
    assertThat(oracles.dealStatus(70, piece, 2017)).isEqualTo(DealStatus.EXPIRED);
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
    assertThatThrownBy(() -> stranger.bid(99_999, BigInteger.ONE, 0, new byte[32]))
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
