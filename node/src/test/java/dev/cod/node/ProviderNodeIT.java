package dev.cod.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.cod.chain.BidView;
import dev.cod.chain.ChainConnection;
import dev.cod.chain.DevnetOracles;
import dev.cod.chain.EventWatcher;
import dev.cod.chain.HardhatNode;
import dev.cod.chain.JobState;
import dev.cod.chain.JobTerms;
import dev.cod.chain.JobView;
import dev.cod.chain.MarketContract;
import dev.cod.chain.MarketEvent;
import dev.cod.chain.MarketHistory;
import dev.cod.chain.PlacedBid;
import dev.cod.chain.ProviderView;
import dev.cod.chain.WatcherStore;
import dev.cod.chain.contracts.JobMarket;
import dev.cod.cid.Cid;
import dev.cod.node.JobStore.Row;
import dev.cod.node.JobStore.Step;
import dev.cod.node.deals.DealLookup;
import dev.cod.node.exec.DockerExecutor;
import dev.cod.node.exec.ExecutionRequest;
import dev.cod.node.exec.Executor;
import dev.cod.node.exec.ResourceLimits;
import dev.cod.node.exec.wasm.WasmConfig;
import dev.cod.node.ipfs.KuboDaemon;
import dev.cod.node.ipfs.KuboRpcClient;
import dev.cod.node.spec.JobSpec;
import dev.cod.node.spec.JobSpecParser;
import dev.cod.node.storage.IpfsInputSource;
import dev.cod.payments.FilAmount;
import dev.cod.store.H2Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.EventEncoder;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Provider nodes driven round by round ({@link ProviderNode#round()}, no threads) against real
 * parts: a {@code hardhat node}, an offline Kubo daemon, and the local Docker engine running the
 * {@code cod/busybox:local} image. Accounts: 0 deploys a fresh market for every test, 1 is the
 * client, 2, 3 and 4 are providers 1, 2 and 3. The job is {@code examples/seattle-precipitation.yaml}
 * over a small CSV with 600 s execution and reveal windows; most tests post it on the fast path
 * (replicas 3, quorum 2, no bid window), one as an auction.
 *
 * <p>Fast path, with the providers run in the order 1, 2, 3 each round: round 1 all take the job
 * on (SEEN → ASSIGNED, nothing sent); round 2 all execute and publish; round 3 all bid with their
 * commitments (the bid is the commit; the third bid opens the reveals); round 4 all reveal (the
 * third settles and pays maxPrice into each balance); round 5 all see the settlement and withdraw
 * their earnings. No test waits for a deadline: the tests that need one move the chain's time
 * forward ({@code evm_increaseTime}) and the nodes' {@link ChainClock} with it.
 *
 * <p>Payment is checked where the contract puts it: a winner's pay goes into its provider balance
 * (no {@code Credited} event), the node takes out what exceeds its configured stake with
 * {@code withdrawStake}, so its one {@code StakeWithdrawn} amount is its pay and its balance ends
 * at its configured stake; client refunds are {@code Credited}.
 */
@Tag("docker")
class ProviderNodeIT {
  private static final Path DOCKER_SOCKET = Path.of("/var/run/docker.sock");
  private static final String IMAGE = "cod/busybox:local";
  private static final String[] PRICES = {"0.002 FIL", "0.003 FIL", "0.004 FIL"};
  private static final FilAmount PROVIDER_STAKE = FilAmount.parse("1 FIL");
  private static final Duration WINDOW = Duration.ofSeconds(600);
  /** The auction's bid window: short, and passed with {@code evm_increaseTime} anyway. */
  private static final Duration BID_WINDOW = Duration.ofSeconds(10);
  /** Ample: a job needs five rounds. */
  private static final int MAX_ROUNDS = 15;
  private static final int LOG_RANGE = 500;
  /** {@code SlashReason.Dissent} in JobMarket.sol. */
  private static final int DISSENT = 2;
  /** Every node's clock: wall time, set to the chain's head whenever a test moves the chain's time. */
  private static final ChainClock CLOCK = new ChainClock();
  private static final String WEATHER =
      "date,precipitation,temp_max,temp_min,wind,weather\n"
          + "2012-01-01,0.0,12.8,5.0,4.7,drizzle\n"
          + "2012-01-02,10.9,10.6,2.8,4.5,rain\n"
          + "2012-01-03,0.8,11.7,7.2,2.3,rain\n"
          + "2012-01-04,20.3,12.2,5.6,4.7,rain\n"
          + "2013-01-01,0.0,5.0,-2.8,2.7,sun\n"
          + "2013-01-02,0.0,6.1,-1.1,3.2,sun\n"
          + "2013-01-03,4.1,6.7,-1.7,3.0,rain\n";

  private static DockerExecutor docker;
  private static HardhatNode hardhat;
  private static ChainConnection chain;
  private static KuboDaemon kubo;
  private static KuboRpcClient ipfs;

  @TempDir Path tmp;
  private ChainConnection.Deployment deployment;
  private DevnetOracles oracles;
  private MarketContract client;
  private MarketHistory history;
  private final List<Provider> providers = new ArrayList<>();

  @BeforeAll
  static void startParts(@TempDir Path shared) throws IOException {
    docker = new DockerExecutor(DockerExecutor.DEFAULT_HOST);
    Assumptions.assumeTrue(Files.exists(DOCKER_SOCKET) && docker.isInstalled(),
        "Docker engine not reachable at /var/run/docker.sock");
    Path probe = shared.resolve("probe");
    Files.createDirectories(probe.resolve("inputs"));
    assertThat(docker.canRun(new ExecutionRequest("probe", IMAGE, List.of(), List.of(), Map.of(),
            probe.resolve("inputs"), probe.resolve("result"), ResourceLimits.DEFAULT)))
        .as("image %s is in the local Docker engine (scripts/build-busybox-image.sh builds it)", IMAGE)
        .isTrue();
    hardhat = HardhatNode.start(HardhatNode.findHardhatDir(), shared.resolve("hardhat.log"));
    chain = ChainConnection.open(hardhat.rpcUrl());
    kubo = KuboDaemon.start(KuboDaemon.findBinary().orElseThrow(() -> new AssertionError(
        "no ipfs (Kubo) binary on PATH or in COD_IPFS_BIN: run scripts/setup.sh")), shared.resolve("ipfs"));
    ipfs = new KuboRpcClient(kubo.apiUrl());
  }

  @AfterAll
  static void stopParts() {
    if (kubo != null) {
      kubo.close();
    }
    if (chain != null) {
      chain.close();
    }
    if (hardhat != null) {
      hardhat.close();
    }
    if (docker != null) {
      docker.close();
    }
  }

  @BeforeEach
  void freshMarket() {
    oracles = DevnetOracles.deploy(chain, HardhatNode.devAccount(0));
    deployment = oracles.deployMarket(HardhatNode.devAccount(0));
    client = chain.market(deployment.address(), HardhatNode.devAccount(1));
    history = new MarketHistory(chain.web3j(), deployment.address(), deployment.blockNumber(), LOG_RANGE);
  }

  @AfterEach
  void stopProviders() {
    providers.forEach(Provider::close);
    providers.clear();
  }

  @Test
  void providerRestartedAfterEveryRoundBidsAndRevealsOnce() throws IOException {
    Provider restarting = provider(1, docker);
    Provider second = provider(2, docker);
    Provider third = provider(3, docker);
    restarting.restartAfterEachRound = true;
    long jobId = postJob();

    int rounds = roundsUntil(() -> settled(jobId), jobId);

    JobView job = client.job(jobId);
    assertThat(job.state()).isEqualTo(JobState.FINALIZED);
    assertThat(job.revealCount()).isEqualTo(3);
    assertThat(restarting.restarts).as("restarts of provider 1").isEqualTo(rounds);
    // A round acts on the events it just read, so SETTLED (then withdrawn) is passed inside a
    // round: the restarts land on every other step of the fast path (SEEN -> ASSIGNED is taken
    // in the round that sees the job).
    assertThat(restarting.stepsAfterRounds)
        .as("provider 1's step after each round, where it was restarted")
        .containsSubsequence(Step.ASSIGNED, Step.EXECUTED, Step.COMMITTED, Step.REVEALED, Step.DONE)
        .doesNotContain(Step.BID)
        .isSortedAccordingTo(Comparator.comparingInt(Step::ordinal));

    List<MarketEvent> events = history.events(jobId);
    assertThat(of(events, MarketEvent.ResultAccepted.class, e -> true)).singleElement().satisfies(a -> {
      assertThat(a.agreeing()).isEqualTo(3);
      assertThat(a.slashShare()).isZero();
    });
    assertThat(of(events, MarketEvent.ProviderSlashed.class, e -> true)).isEmpty();
    assertThat(of(events, MarketEvent.ResultCommitted.class, e -> true))
        .as("no separate commit on the fast path: the bid carries the commitment").isEmpty();
    for (Provider p : providers) {
      assertBidOnceWithItsCommitmentAndRevealedOnce(events, p, jobId);
      assertPaidIntoBalanceAndWithdrawn(events, p, job.maxPrice());
      assertThat(p.row(jobId).step()).isEqualTo(Step.DONE);
    }
    assertThat(of(events, MarketEvent.ResultRevealed.class, e -> true))
        .extracting(r -> Cid.fromBytes(r.resultCid()))
        .containsOnly(Cid.parse(restarting.row(jobId).resultCid()));
    assertThat(of(events, MarketEvent.Credited.class, e -> true))
        .as("no refund: the fast path pays the whole escrow to the three winners").isEmpty();
    assertThat(client.credits(client.account())).isZero();
    assertThat(second.row(jobId).resultCid()).isEqualTo(third.row(jobId).resultCid())
        .isEqualTo(restarting.row(jobId).resultCid());
  }

  @Test
  void crashAfterSendingTheBidBeforeRecordingItIsSurvived() throws IOException {
    Provider crashing = provider(1, docker);
    provider(2, docker);
    provider(3, docker);
    long jobId = postJob();
    roundsUntil(() -> crashing.row(jobId).step() == Step.EXECUTED, jobId);
    assertThat(client.bids(jobId)).as("on the fast path nobody bids before running the job").isEmpty();

    PlacedBid sent = sendTheNodesBid(crashing, jobId);
    crashing.restart();
    assertThat(crashing.row(jobId).step()).isEqualTo(Step.EXECUTED);
    JobView job = client.job(jobId);
    assertThat(job.state())
        .as("still open with one bid, so the node's own bid reverts with JobMarketAlreadyBid")
        .isEqualTo(JobState.OPEN);
    assertThat(job.bidCount()).isEqualTo(1);

    crashing.round(jobId);
    assertThat(crashing.row(jobId).step()).as(crashing.row(jobId).note()).isEqualTo(Step.COMMITTED);
    assertThat(crashing.row(jobId).bidIndex()).as("the index of the bid sent before the crash")
        .isEqualTo(sent.index()).isZero();

    roundsUntil(() -> settled(jobId), jobId);
    assertEveryoneBidOnceAndWasPaid(jobId);
  }

  @Test
  void crashAfterSendingTheLastBidWhichOpenedTheRevealsIsSurvived() throws IOException {
    Provider crashing = provider(1, docker);
    Provider second = provider(2, docker);
    Provider third = provider(3, docker);
    long jobId = postJob();
    roundsUntil(() -> crashing.row(jobId).step() == Step.EXECUTED, jobId);
    second.round(jobId);
    third.round(jobId);
    assertThat(second.row(jobId).step()).isEqualTo(Step.COMMITTED);
    assertThat(third.row(jobId).step()).isEqualTo(Step.COMMITTED);
    assertThat(client.job(jobId).state()).isEqualTo(JobState.OPEN);

    PlacedBid sent = sendTheNodesBid(crashing, jobId);
    crashing.restart();
    assertThat(sent.index()).isEqualTo(2);
    assertThat(client.job(jobId).state())
        .as("the third bid opened the reveals, so the node's own bid reverts with JobMarketWrongState")
        .isEqualTo(JobState.REVEALING);

    crashing.round(jobId);
    assertThat(crashing.row(jobId).step()).as(crashing.row(jobId).note()).isEqualTo(Step.COMMITTED);
    assertThat(crashing.row(jobId).bidIndex()).isEqualTo(sent.index());

    roundsUntil(() -> settled(jobId), jobId);
    assertEveryoneBidOnceAndWasPaid(jobId);
  }

  @Test
  void crashAfterSendingTheBidRestartedPastTheCommitDeadlineStillReveals() throws IOException {
    Provider crashing = provider(1, docker);
    Provider second = provider(2, docker);
    Provider silent = provider(3, docker);
    long jobId = postJob();
    roundsUntil(() -> crashing.row(jobId).step() == Step.EXECUTED, jobId);
    second.round(jobId);
    assertThat(second.row(jobId).step()).isEqualTo(Step.COMMITTED);

    PlacedBid sent = sendTheNodesBid(crashing, jobId);
    increaseChainTime(WINDOW.plusSeconds(1));
    crashing.restart();
    JobView job = client.job(jobId);
    assertThat(job.state()).as("two bids of three: the fast-path job did not fill").isEqualTo(JobState.OPEN);
    assertThat(job.commitCount()).isEqualTo(2);
    assertThat(CLOCK.instant().getEpochSecond())
        .as("past the commit deadline, so the node's own bid reverts with JobMarketBidWindowClosed")
        .isGreaterThanOrEqualTo(job.deadline());
    assertThat(job.revealsOpenAt(CLOCK.instant().getEpochSecond()))
        .as("two bids are a quorum: reveals open at the commit deadline").isTrue();

    crashing.round(jobId);
    assertThat(crashing.row(jobId).step()).as(crashing.row(jobId).note()).isEqualTo(Step.COMMITTED);
    assertThat(crashing.row(jobId).bidIndex()).isEqualTo(sent.index());

    // provider 3 stays down until the job is settled: it never bid, so it is not part of the job
    List<Provider> running = List.of(crashing, second);
    roundsUntil(() -> client.job(jobId).state() == JobState.FINALIZED
        && running.stream().allMatch(p -> p.row(jobId).step() == Step.DONE), jobId, running);
    silent.round(jobId);
    assertThat(silent.row(jobId).step()).as(silent.row(jobId).note()).isEqualTo(Step.SKIPPED);

    List<MarketEvent> events = history.events(jobId);
    assertThat(of(events, MarketEvent.ResultAccepted.class, e -> true)).singleElement().satisfies(a -> {
      assertThat(a.agreeing()).isEqualTo(2);
      assertThat(a.slashShare()).isZero();
    });
    assertThat(of(events, MarketEvent.ProviderSlashed.class, e -> true))
        .as("on the fast path a provider that did not bid is not assigned, so nobody is slashed").isEmpty();
    for (Provider p : running) {
      assertBidOnceWithItsCommitmentAndRevealedOnce(events, p, jobId);
      assertPaidIntoBalanceAndWithdrawn(events, p, job.maxPrice());
    }
    assertThat(of(events, MarketEvent.BidPlaced.class, e -> silent.is(e.provider()))).isEmpty();
    assertThat(stakeWithdrawals(silent)).isEmpty();
    assertThat(client.provider(silent.address()).balance()).isEqualTo(PROVIDER_STAKE.attoFil());
    assertThat(client.provider(silent.address()).locked()).isZero();
    assertThat(of(events, MarketEvent.Credited.class, e -> true))
        .as("the client's refund of the unfilled replica's escrow").singleElement().satisfies(c -> {
          assertThat(c.account()).isEqualToIgnoringCase(client.account());
          assertThat(c.amount()).isEqualTo(job.escrow().subtract(job.maxPrice().multiply(BigInteger.TWO)));
        });
    assertThat(client.credits(client.account())).isEqualTo(job.maxPrice());
  }

  @Test
  void dissentingProviderIsSlashedAndTheHonestOnesShareItsStake() throws IOException {
    Provider honest1 = provider(1, docker);
    Provider honest2 = provider(2, docker);
    Provider dissenter = provider(3, new DissentingExecutor(docker));
    long jobId = postJob();

    roundsUntil(() -> settled(jobId), jobId);

    JobView job = client.job(jobId);
    assertThat(job.state()).isEqualTo(JobState.FINALIZED);
    Cid honestCid = Cid.parse(honest1.row(jobId).resultCid());
    assertThat(honest2.row(jobId).resultCid()).isEqualTo(honestCid.toString());
    assertThat(dissenter.row(jobId).resultCid()).isNotEqualTo(honestCid.toString());
    assertThat(history.acceptedResultCid(job)).hasValueSatisfying(
        cid -> assertThat(Cid.fromBytes(cid)).isEqualTo(honestCid));

    List<MarketEvent> events = history.events(jobId);
    BigInteger stake = job.stakePerReplica();
    BigInteger share = stake.divide(BigInteger.TWO);
    assertThat(of(events, MarketEvent.ResultAccepted.class, e -> true)).singleElement().satisfies(a -> {
      assertThat(a.agreeing()).isEqualTo(2);
      assertThat(a.slashShare()).as("half the dissenter's stake").isEqualTo(share);
    });
    assertThat(of(events, MarketEvent.ResultRevealed.class, e -> dissenter.is(e.provider())))
        .singleElement().satisfies(r -> assertThat(Cid.fromBytes(r.resultCid())).isNotEqualTo(honestCid));
    assertThat(of(events, MarketEvent.ProviderSlashed.class, e -> true)).singleElement().satisfies(s -> {
      assertThat(s.provider()).isEqualToIgnoringCase(dissenter.address());
      assertThat(s.reason()).isEqualTo(DISSENT);
      assertThat(s.amount()).isEqualTo(stake);
    });
    for (Provider p : providers) {
      assertBidOnceWithItsCommitmentAndRevealedOnce(events, p, jobId);
      assertThat(p.row(jobId).step()).isEqualTo(Step.DONE);
    }
    for (Provider p : List.of(honest1, honest2)) {
      assertPaidIntoBalanceAndWithdrawn(events, p, job.maxPrice().add(share));
    }
    assertThat(stakeWithdrawals(dissenter)).as("the dissenter earned nothing to withdraw").isEmpty();
    assertThat(of(events, MarketEvent.Credited.class, e -> dissenter.is(e.account()))).isEmpty();
    assertThat(client.provider(dissenter.address()).balance()).isEqualTo(PROVIDER_STAKE.attoFil().subtract(stake));
    assertThat(client.provider(dissenter.address()).locked()).isZero();
    // the dissenter's maxPrice is not paid, and the share's remainder (none for an even stake) goes back too
    BigInteger refund = job.escrow().subtract(job.maxPrice().multiply(BigInteger.TWO))
        .add(stake.subtract(share.multiply(BigInteger.TWO)));
    assertThat(of(events, MarketEvent.Credited.class, e -> true)).singleElement().satisfies(c -> {
      assertThat(c.account()).isEqualToIgnoringCase(client.account());
      assertThat(c.amount()).isEqualTo(refund);
    });
    assertThat(client.credits(client.account())).isEqualTo(refund);
  }

  @Test
  void auctionAssignsTheCheapestBidsWhichCommitRevealAndArePaidTheirPrices() throws IOException {
    // the first bidder is the dearest: the auction must pick by price, not by order
    Provider dear = provider(1, docker, "0.004 FIL");
    Provider cheapest = provider(2, docker, "0.002 FIL");
    Provider cheap = provider(3, docker, "0.003 FIL");
    List<Provider> winners = List.of(cheapest, cheap);
    long jobId = postJob(2, 2, BID_WINDOW);
    JobView posted = client.job(jobId);
    assertThat(posted.auction()).isTrue();

    roundsUntil(() -> providers.stream().allMatch(p -> p.row(jobId).step() == Step.BID), jobId);
    List<BidView> bids = client.bids(jobId);
    assertThat(bids).extracting(BidView::price).containsExactly(dear.price(), cheapest.price(), cheap.price());
    assertThat(bids).noneMatch(BidView::assigned).noneMatch(BidView::committed);
    for (Provider p : providers) {
      assertThat(p.row(jobId).bidIndex()).isEqualTo(providers.indexOf(p));
    }
    assertThat(client.job(jobId).state()).isEqualTo(JobState.OPEN);

    increaseChainTime(BID_WINDOW.plusSeconds(1));
    assertThat(CLOCK.instant().getEpochSecond()).as("past the bid window").isGreaterThanOrEqualTo(posted.deadline());
    roundsUntil(() -> client.job(jobId).state() == JobState.FINALIZED && dear.row(jobId).step() == Step.LOST
        && winners.stream().allMatch(p -> p.row(jobId).step() == Step.DONE), jobId);

    for (Provider p : winners) {
      assertThat(p.stepsAfterRounds).as("provider %d's step after each round", p.number)
          .containsSubsequence(Step.BID, Step.EXECUTED, Step.COMMITTED, Step.REVEALED, Step.DONE)
          .isSortedAccordingTo(Comparator.comparingInt(Step::ordinal));
    }
    JobView job = client.job(jobId);
    List<MarketEvent> events = history.events(jobId);
    assertThat(history.transactions(jobId)).filteredOn(t -> t.function().equals("assign"))
        .as("one node closed the auction after the window").singleElement()
        .satisfies(t -> assertThat(providers).anyMatch(p -> p.is(t.from())));
    for (Provider p : providers) {
      assertThat(of(events, MarketEvent.BidPlaced.class, e -> p.is(e.provider())))
          .as("BidPlaced of provider %d", p.number).singleElement().satisfies(b -> {
            assertThat(b.price()).isEqualTo(p.price());
            assertThat(b.commitment()).containsOnly(0);
          });
    }
    assertThat(of(events, MarketEvent.ProviderAssigned.class, e -> true))
        .extracting(a -> a.provider().toLowerCase(), MarketEvent.ProviderAssigned::index)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(cheapest.address().toLowerCase(), 1),
            org.assertj.core.groups.Tuple.tuple(cheap.address().toLowerCase(), 2));
    assertThat(of(events, MarketEvent.ResultAccepted.class, e -> true)).singleElement().satisfies(a -> {
      assertThat(a.agreeing()).isEqualTo(2);
      assertThat(a.slashShare()).isZero();
    });
    assertThat(of(events, MarketEvent.ProviderSlashed.class, e -> true)).isEmpty();
    for (Provider p : winners) {
      Row row = p.row(jobId);
      byte[] commitment = p.market.commitmentFor(jobId, Cid.parse(row.resultCid()).bytes(), row.salt());
      assertThat(of(events, MarketEvent.ResultCommitted.class, e -> p.is(e.provider())))
          .as("ResultCommitted of provider %d", p.number).singleElement().satisfies(c -> {
            assertThat(c.index()).isEqualTo(row.bidIndex());
            assertThat(c.commitment()).isEqualTo(commitment);
          });
      assertThat(of(events, MarketEvent.ResultRevealed.class, e -> p.is(e.provider())))
          .as("ResultRevealed of provider %d", p.number).singleElement()
          .satisfies(r -> assertThat(Cid.fromBytes(r.resultCid())).isEqualTo(Cid.parse(row.resultCid())));
      assertPaidIntoBalanceAndWithdrawn(events, p, p.price());
    }
    assertThat(cheapest.row(jobId).resultCid()).isEqualTo(cheap.row(jobId).resultCid());
    assertThat(of(events, MarketEvent.ResultCommitted.class, e -> dear.is(e.provider()))).isEmpty();
    assertThat(of(events, MarketEvent.ResultRevealed.class, e -> dear.is(e.provider()))).isEmpty();
    assertThat(stakeWithdrawals(dear)).isEmpty();
    assertThat(client.provider(dear.address()).balance()).isEqualTo(PROVIDER_STAKE.attoFil());
    assertThat(client.provider(dear.address()).locked()).as("the losing bid's stake is unlocked").isZero();
    assertThat(dear.row(jobId).resultCid()).as("the losing node never ran the job").isNull();

    BigInteger refund = job.escrow().subtract(cheapest.price()).subtract(cheap.price());
    assertThat(of(events, MarketEvent.Credited.class, e -> true))
        .as("the client's refund: escrow less the winners' prices").singleElement().satisfies(c -> {
          assertThat(c.account()).isEqualToIgnoringCase(client.account());
          assertThat(c.amount()).isEqualTo(refund);
        });
    assertThat(client.credits(client.account())).isEqualTo(refund);
  }

  // ------------------------------------------------------------------ helpers

  private Provider provider(int number, Executor executor) {
    return provider(number, executor, PRICES[number - 1]);
  }

  private Provider provider(int number, Executor executor, String price) {
    Provider p = new Provider(number, executor, FilAmount.parse(price));
    providers.add(p);
    return p;
  }

  /** A fast-path job: replicas 3, quorum 2, no bid window. */
  private long postJob() throws IOException {
    return postJob(3, 2, Duration.ZERO);
  }

  /**
   * Adds the CSV and the example spec (input CID filled in, these terms, 600 s execution and
   * reveal windows) to Kubo and posts the job as the client.
   */
  private long postJob(int replicas, int quorum, Duration bidWindow) throws IOException {
    Path csv = tmp.resolve("seattle-weather.csv");
    Files.writeString(csv, WEATHER, StandardCharsets.UTF_8);
    Cid data = ipfs.add(csv);
    Path example = HardhatNode.findHardhatDir().getParent().resolve("examples/seattle-precipitation.yaml");
    JobSpec parsed = JobSpecParser.parse(Files.readString(example, StandardCharsets.UTF_8)
        .replace("DATA_CID", data.toString()));
    JobSpec.Market m = parsed.market();
    JobSpec spec = new JobSpec(parsed.name(), parsed.engine(), parsed.inputs(), parsed.resources(), parsed.timeout(),
        new JobSpec.Market(replicas, quorum, m.maxPrice(), m.stake(), bidWindow, WINDOW, WINDOW));
    Path json = tmp.resolve("spec.json");
    Files.writeString(json, JobSpecParser.toJson(spec), StandardCharsets.UTF_8);
    Cid specCid = ipfs.add(json);
    return client.postJob(new JobTerms(specCid.bytes(), replicas, quorum, m.maxPrice().attoFil(),
        m.stake().attoFil(), bidWindow.toSeconds(), WINDOW.toSeconds(), WINDOW.toSeconds())).jobId();
  }

  /**
   * What the node would have sent at step EXECUTED on the fast path: a bid carrying the
   * commitment of its recorded result CID and salt.
   */
  private static PlacedBid sendTheNodesBid(Provider p, long jobId) {
    Row executed = p.row(jobId);
    assertThat(executed.step()).isEqualTo(Step.EXECUTED);
    return p.market.bid(jobId, BigInteger.ZERO, 0, commitmentOf(p, executed, jobId));
  }

  private static byte[] commitmentOf(Provider p, Row row, long jobId) {
    return p.market.commitmentFor(jobId, Cid.parse(row.resultCid()).bytes(), row.salt());
  }

  /** Runs rounds of every provider, in order, until {@code done}; returns how many. */
  private int roundsUntil(BooleanSupplier done, long jobId) {
    return roundsUntil(done, jobId, providers);
  }

  /** Runs rounds of {@code running}, in order, until {@code done}; returns how many. */
  private int roundsUntil(BooleanSupplier done, long jobId, List<Provider> running) {
    for (int round = 1; round <= MAX_ROUNDS; round++) {
      for (Provider p : running) {
        p.round(jobId);
      }
      if (done.getAsBoolean()) {
        return round;
      }
    }
    return fail("not done after %d rounds: job %s, providers at %s", MAX_ROUNDS, client.job(jobId).state(),
        providers.stream().map(p -> p.row(jobId).step() + " (" + p.row(jobId).note() + ")").toList());
  }

  private boolean settled(long jobId) {
    return client.job(jobId).state() == JobState.FINALIZED
        && providers.stream().allMatch(p -> p.store.find(jobId).map(r -> r.step() == Step.DONE).orElse(false));
  }

  /** Fast path, every provider agreeing: each bid once (its commitment in the bid), revealed once and was paid maxPrice. */
  private void assertEveryoneBidOnceAndWasPaid(long jobId) throws IOException {
    JobView job = client.job(jobId);
    assertThat(job.state()).isEqualTo(JobState.FINALIZED);
    List<MarketEvent> events = history.events(jobId);
    assertThat(of(events, MarketEvent.ResultAccepted.class, e -> true)).singleElement().satisfies(a -> {
      assertThat(a.agreeing()).isEqualTo(3);
      assertThat(a.slashShare()).isZero();
    });
    assertThat(of(events, MarketEvent.ProviderSlashed.class, e -> true)).isEmpty();
    assertThat(of(events, MarketEvent.ResultCommitted.class, e -> true)).isEmpty();
    for (Provider p : providers) {
      assertBidOnceWithItsCommitmentAndRevealedOnce(events, p, jobId);
      assertPaidIntoBalanceAndWithdrawn(events, p, job.maxPrice());
      assertThat(p.row(jobId).step()).isEqualTo(Step.DONE);
    }
    assertThat(of(events, MarketEvent.Credited.class, e -> true)).as("no refund: the whole escrow is paid").isEmpty();
  }

  /**
   * A fast-path provider's one bid (price 0, paid maxPrice) carries the commitment of the result
   * CID and salt it recorded, at the bid index it recorded; it revealed that CID once.
   */
  private static void assertBidOnceWithItsCommitmentAndRevealedOnce(List<MarketEvent> events, Provider p,
      long jobId) {
    Row row = p.row(jobId);
    byte[] commitment = commitmentOf(p, row, jobId);
    assertThat(commitment).as("a nonzero commitment").isNotEqualTo(new byte[32]);
    assertThat(of(events, MarketEvent.BidPlaced.class, e -> p.is(e.provider())))
        .as("BidPlaced of provider %d", p.number).singleElement().satisfies(b -> {
          assertThat(b.price()).as("a fast-path bid names no price").isZero();
          assertThat(b.commitment()).as("the bid's commitment").isEqualTo(commitment);
          assertThat(b.index()).as("the bid index the node recorded").isEqualTo(row.bidIndex());
        });
    assertThat(of(events, MarketEvent.ResultRevealed.class, e -> p.is(e.provider())))
        .as("ResultRevealed of provider %d", p.number).singleElement()
        .satisfies(r -> assertThat(Cid.fromBytes(r.resultCid())).isEqualTo(Cid.parse(row.resultCid())));
  }

  /**
   * {@code pay} went into the provider's balance (no Credited event for it), and the node took
   * exactly that out with one {@code withdrawStake}: its balance is back at its configured stake.
   */
  private void assertPaidIntoBalanceAndWithdrawn(List<MarketEvent> events, Provider p, BigInteger pay)
      throws IOException {
    assertThat(of(events, MarketEvent.Credited.class, e -> p.is(e.account())))
        .as("Credited to provider %d (pay goes to the balance)", p.number).isEmpty();
    assertThat(stakeWithdrawals(p)).as("StakeWithdrawn amounts of provider %d: its earnings", p.number)
        .containsExactly(pay);
    ProviderView v = client.provider(p.address());
    assertThat(v.balance()).as("balance of provider %d after it withdrew", p.number)
        .isEqualTo(p.config.stake().attoFil());
    assertThat(v.locked()).as("locked stake of provider %d", p.number).isZero();
    assertThat(client.credits(p.address())).as("credit of provider %d", p.number).isZero();
  }

  /** The amounts of every {@code StakeWithdrawn} of this provider on this test's market, in chain order. */
  private List<BigInteger> stakeWithdrawals(Provider p) throws IOException {
    EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(deployment.blockNumber())),
        DefaultBlockParameterName.LATEST, deployment.address());
    filter.addSingleTopic(EventEncoder.encode(JobMarket.STAKEWITHDRAWN_EVENT));
    EthLog logs = chain.web3j().ethGetLogs(filter).send();
    assertThat(logs.hasError()).as("eth_getLogs error %s", logs.getError()).isFalse();
    return logs.getLogs().stream()
        .map(r -> MarketEvent.decode((Log) r.get()).orElseThrow())
        .map(MarketEvent.StakeWithdrawn.class::cast)
        .filter(w -> p.is(w.provider()))
        .map(MarketEvent.StakeWithdrawn::amount)
        .toList();
  }

  /**
   * Moves the chain's time forward (hardhat {@code evm_increaseTime}, then a block) and sets the
   * nodes' clock to the new head's timestamp.
   */
  private static void increaseChainTime(Duration by) throws IOException {
    hardhatRpc("evm_increaseTime", "[" + by.toSeconds() + "]");
    hardhatRpc("evm_mine", "[]");
    long head = chain.web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send()
        .getBlock().getTimestamp().longValueExact();
    CLOCK.setTo(Instant.ofEpochSecond(head));
  }

  private static void hardhatRpc(String method, String params) {
    // HTTP/1.1: the hardhat node answers Java's h2c upgrade request with 400 Bad Request
    HttpRequest request = HttpRequest.newBuilder(URI.create(hardhat.rpcUrl())).version(HttpClient.Version.HTTP_1_1)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}"))
        .build();
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.body()).as("%s answer", method).contains("\"result\"").doesNotContain("\"error\"");
    } catch (IOException e) {
      throw new UncheckedIOException(method + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted during " + method, e);
    }
  }

  private static <T extends MarketEvent> List<T> of(List<MarketEvent> events, Class<T> type,
      java.util.function.Predicate<T> filter) {
    return events.stream().filter(type::isInstance).map(type::cast).filter(filter).collect(Collectors.toList());
  }

  /**
   * One provider "process": dev account {@code number + 1}, its own data directory and H2 file,
   * and a node over them. {@link #restart()} is a process restart: the node, its event watcher
   * and job store and the market client are dropped, the database is closed, and new ones are
   * built over the same file.
   */
  private final class Provider implements AutoCloseable {
    final int number;
    final Credentials account;
    final NodeConfig config;
    final Map<String, Executor> executors;
    final List<Step> stepsAfterRounds = new ArrayList<>();
    boolean restartAfterEachRound;
    int restarts;
    H2Database db;
    JobStore store;
    MarketContract market;
    ProviderNode node;

    Provider(int number, Executor executor, FilAmount price) {
      this.number = number;
      this.account = HardhatNode.devAccount(number + 1);
      Path dataDir = tmp.resolve("provider-" + number);
      this.config = new NodeConfig("provider-" + number, chain.rpcUrl(), deployment.address(),
          deployment.blockNumber(), dataDir.resolve("unused-keystore.json"), dataDir.resolve("unused-password"),
          kubo.apiUrl(), DockerExecutor.DEFAULT_HOST, dataDir, 1000 + number, price,
          PROVIDER_STAKE, Duration.ofMillis(250), 0, 1L << 20, WasmConfig.DEFAULT, FilecoinConfig.DISABLED);
      this.executors = Map.of(executor.engine(), executor);
      // the node registers with its miner as it starts: the miner oracle must name it a controller
      oracles.setController(config.minerId(), account.getAddress(), true);
      start();
    }

    private void start() {
      db = H2Database.open(config.dataDir().resolve("node"));
      store = new JobStore(db);
      market = chain.market(deployment.address(), account);
      EventWatcher watcher = new EventWatcher(chain.web3j(), deployment.address(), deployment.blockNumber(),
          config.confirmations(), LOG_RANGE, new WatcherStore(db), "market");
      node = new ProviderNode(config, market, watcher, store, ipfs, Map.of("ipfs", new IpfsInputSource(ipfs)),
          executors, piece -> DealLookup.none("no piece jobs in this test"), CLOCK);
      node.ensureRegisteredAndStaked();
    }

    void restart() {
      node = null;
      store = null;
      market = null;
      db.close();
      db = null;
      restarts++;
      start();
    }

    void round(long jobId) {
      node.round();
      stepsAfterRounds.add(row(jobId).step());
      if (restartAfterEachRound) {
        restart();
      }
    }

    Row row(long jobId) {
      return store.find(jobId).orElseThrow(() -> new AssertionError("provider " + number + " never saw job " + jobId));
    }

    String address() {
      return account.getAddress();
    }

    boolean is(String address) {
      return address.equalsIgnoreCase(account.getAddress());
    }

    BigInteger price() {
      return config.price().attoFil();
    }

    @Override
    public void close() {
      if (db != null) {
        db.close();
      }
    }
  }

  /**
   * Wall time plus an offset that {@link #setTo} sets, so that a node's deadline checks agree with
   * the chain's block timestamps after a test moved the chain's time. (Even without that, a hardhat
   * chain runs ahead of wall time: every automined block is at least one second after the last.)
   * Shared by every node: the chain is shared by every test.
   */
  private static final class ChainClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    /** From now on this clock reads {@code now} plus the time passed since. */
    void setTo(Instant now) {
      offset = Duration.between(Instant.now(), now);
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the nodes' clock is UTC");
    }
  }
}
