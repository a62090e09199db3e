package dev.cod.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.cod.chain.BidView;
import dev.cod.chain.ChainConnection;
import dev.cod.chain.EventWatcher;
import dev.cod.chain.HardhatNode;
import dev.cod.chain.JobState;
import dev.cod.chain.JobTerms;
import dev.cod.chain.JobView;
import dev.cod.chain.MarketContract;
import dev.cod.chain.MarketEvent;
import dev.cod.chain.MarketHistory;
import dev.cod.chain.WatcherStore;
import dev.cod.cid.Cid;
import dev.cod.node.JobStore.Row;
import dev.cod.node.JobStore.Step;
import dev.cod.node.exec.DockerExecutor;
import dev.cod.node.exec.ExecutionRequest;
import dev.cod.node.exec.Executor;
import dev.cod.node.exec.ResourceLimits;
import dev.cod.node.ipfs.KuboDaemon;
import dev.cod.node.ipfs.KuboRpcClient;
import dev.cod.node.spec.JobSpec;
import dev.cod.node.spec.JobSpecParser;
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
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * Provider nodes driven round by round ({@link ProviderNode#round()}, no threads) against real
 * parts: a {@code hardhat node}, an offline Kubo daemon, and the local Docker engine running the
 * {@code cod/busybox:local} image. Accounts: 0 deploys a fresh market for every test, 1 is the
 * client, 2, 3 and 4 are providers 1, 2 and 3. The job is {@code examples/seattle-precipitation.yaml}
 * over a small CSV, on the fast path (replicas 3, quorum 2, no bid window), with 600 s execution
 * and reveal windows: when every provider commits, reveals open at once and no test waits for a
 * deadline; the one test that needs a deadline moves the chain's time forward
 * ({@code evm_increaseTime}) and the nodes' {@link ChainClock} with it.
 *
 * <p>With the providers run in the order 1, 2, 3 each round, a job moves: round 1 all bid (the
 * third bid assigns); round 2 all see the assignment and execute; round 3 all commit (the third
 * opens the reveals); round 4 all reveal (the third settles); round 5 all see the settlement and
 * withdraw.
 */
@Tag("docker")
class ProviderNodeIT {
  private static final Path DOCKER_SOCKET = Path.of("/var/run/docker.sock");
  private static final String IMAGE = "cod/busybox:local";
  private static final String[] PRICES = {"0.002 FIL", "0.003 FIL", "0.004 FIL"};
  private static final FilAmount PROVIDER_STAKE = FilAmount.parse("1 FIL");
  private static final Duration WINDOW = Duration.ofSeconds(600);
  /** Ample: a job needs five rounds. */
  private static final int MAX_ROUNDS = 15;
  private static final int LOG_RANGE = 500;
  /** {@code SlashReason.NoCommit} and {@code SlashReason.Dissent} in JobMarket.sol. */
  private static final int NO_COMMIT = 0;
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
    deployment = chain.deployMarket(HardhatNode.devAccount(0));
    client = chain.market(deployment.address(), HardhatNode.devAccount(1));
    history = new MarketHistory(chain.web3j(), deployment.address(), deployment.blockNumber(), LOG_RANGE);
  }

  @AfterEach
  void stopProviders() {
    providers.forEach(Provider::close);
    providers.clear();
  }

  @Test
  void providerRestartedAfterEveryRoundBidsCommitsAndRevealsOnce() throws IOException {
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
    // A round acts on the events it just read, so ASSIGNED (then executed) and SETTLED (then
    // withdrawn) are passed inside a round: the restarts land on every step that waits for the chain.
    assertThat(restarting.stepsAfterRounds)
        .as("provider 1's step after each round, where it was restarted")
        .containsSubsequence(Step.BID, Step.EXECUTED, Step.COMMITTED, Step.REVEALED, Step.DONE)
        .isSortedAccordingTo(Comparator.comparingInt(Step::ordinal));

    List<MarketEvent> events = history.events(jobId);
    for (Provider p : providers) {
      assertThat(of(events, MarketEvent.BidPlaced.class, e -> p.is(e.provider())))
          .as("BidPlaced of provider %d", p.number).singleElement()
          .satisfies(b -> assertThat(b.price()).isEqualTo(p.price()));
      assertThat(of(events, MarketEvent.ResultCommitted.class, e -> p.is(e.provider())))
          .as("ResultCommitted of provider %d", p.number).hasSize(1);
      assertThat(of(events, MarketEvent.ResultRevealed.class, e -> p.is(e.provider())))
          .as("ResultRevealed of provider %d", p.number).hasSize(1);
      assertThat(of(events, MarketEvent.Credited.class, e -> p.is(e.account())))
          .as("Credited to provider %d", p.number).singleElement()
          .satisfies(c -> assertThat(c.amount()).isEqualTo(p.price()));
      assertThat(client.credits(p.address())).as("credit of provider %d after it withdrew", p.number).isZero();
      assertThat(p.row(jobId).step()).isEqualTo(Step.DONE);
    }
    assertThat(of(events, MarketEvent.ResultRevealed.class, e -> true))
        .extracting(r -> Cid.fromBytes(r.resultCid()))
        .containsOnly(Cid.parse(restarting.row(jobId).resultCid()));
    assertThat(of(events, MarketEvent.ProviderSlashed.class, e -> true)).isEmpty();
    BigInteger paid = providers.stream().map(Provider::price).reduce(BigInteger.ZERO, BigInteger::add);
    assertThat(of(events, MarketEvent.Credited.class, e -> e.account().equalsIgnoreCase(client.account())))
        .as("the client's refund of unused escrow").singleElement()
        .satisfies(c -> assertThat(c.amount()).isEqualTo(job.maxPrice().multiply(BigInteger.valueOf(3)).subtract(paid)));
    assertThat(second.row(jobId).resultCid()).isEqualTo(third.row(jobId).resultCid())
        .isEqualTo(restarting.row(jobId).resultCid());
  }

  @Test
  void crashAfterSendingTheCommitBeforeRecordingItIsSurvived() throws IOException {
    Provider crashing = provider(1, docker);
    provider(2, docker);
    provider(3, docker);
    long jobId = postJob();
    roundsUntil(() -> crashing.row(jobId).step() == Step.EXECUTED, jobId);
    assertThat(client.bids(jobId)).noneMatch(BidView::committed);

    sendTheNodesCommit(crashing, jobId);
    crashing.restart();
    assertThat(crashing.row(jobId).step()).isEqualTo(Step.EXECUTED);
    assertThat(client.job(jobId).state())
        .as("still assigned, so the node's own commit reverts with JobMarketAlreadyCommitted")
        .isEqualTo(JobState.ASSIGNED);

    crashing.round(jobId);
    assertThat(crashing.row(jobId).step()).as(crashing.row(jobId).note()).isEqualTo(Step.COMMITTED);

    roundsUntil(() -> settled(jobId), jobId);
    assertEveryoneCommittedOnceAndWasPaid(jobId);
  }

  @Test
  void crashAfterSendingTheLastCommitWhichOpenedTheRevealsIsSurvived() throws IOException {
    Provider crashing = provider(1, docker);
    Provider second = provider(2, docker);
    Provider third = provider(3, docker);
    long jobId = postJob();
    roundsUntil(() -> crashing.row(jobId).step() == Step.EXECUTED, jobId);
    second.round(jobId);
    third.round(jobId);
    assertThat(second.row(jobId).step()).isEqualTo(Step.COMMITTED);
    assertThat(third.row(jobId).step()).isEqualTo(Step.COMMITTED);

    sendTheNodesCommit(crashing, jobId);
    crashing.restart();
    assertThat(client.job(jobId).state())
        .as("the third commit opened the reveals, so the node's own commit reverts with JobMarketWrongState")
        .isEqualTo(JobState.REVEALING);

    crashing.round(jobId);
    assertThat(crashing.row(jobId).step()).as(crashing.row(jobId).note()).isEqualTo(Step.COMMITTED);

    roundsUntil(() -> settled(jobId), jobId);
    assertEveryoneCommittedOnceAndWasPaid(jobId);
  }

  @Test
  void crashAfterSendingTheCommitRestartedPastTheCommitDeadlineStillReveals() throws IOException {
    Provider crashing = provider(1, docker);
    Provider second = provider(2, docker);
    Provider silent = provider(3, docker);
    long jobId = postJob();
    roundsUntil(() -> crashing.row(jobId).step() == Step.EXECUTED, jobId);
    second.round(jobId);
    assertThat(second.row(jobId).step()).isEqualTo(Step.COMMITTED);

    sendTheNodesCommit(crashing, jobId);
    increaseChainTime(WINDOW.plusSeconds(1));
    crashing.restart();
    JobView job = client.job(jobId);
    assertThat(job.state()).isEqualTo(JobState.ASSIGNED);
    assertThat(job.commitCount()).isEqualTo(2);
    assertThat(CLOCK.instant().getEpochSecond())
        .as("past the commit deadline, so the node's own commit reverts with JobMarketCommitDeadlinePassed")
        .isGreaterThanOrEqualTo(job.commitDeadline());

    crashing.round(jobId);
    assertThat(crashing.row(jobId).step()).as(crashing.row(jobId).note()).isEqualTo(Step.COMMITTED);

    // provider 3 stays down: two commits are a quorum, so reveals open at the commit deadline
    List<Provider> running = List.of(crashing, second);
    roundsUntil(() -> client.job(jobId).state() == JobState.FINALIZED
        && running.stream().allMatch(p -> p.row(jobId).step() == Step.DONE), jobId, running);
    silent.round(jobId);
    assertThat(silent.row(jobId).step()).isEqualTo(Step.DONE);

    List<MarketEvent> events = history.events(jobId);
    assertThat(of(events, MarketEvent.ResultAccepted.class, e -> true)).singleElement()
        .satisfies(a -> assertThat(a.agreeing()).isEqualTo(2));
    BigInteger stake = job.stakePerReplica();
    assertThat(of(events, MarketEvent.ProviderSlashed.class, e -> true)).singleElement().satisfies(s -> {
      assertThat(s.provider()).isEqualToIgnoringCase(silent.address());
      assertThat(s.reason()).isEqualTo(NO_COMMIT);
      assertThat(s.amount()).isEqualTo(stake);
    });
    for (Provider p : running) {
      assertThat(of(events, MarketEvent.ResultCommitted.class, e -> p.is(e.provider())))
          .as("ResultCommitted of provider %d", p.number).hasSize(1);
      assertThat(of(events, MarketEvent.ResultRevealed.class, e -> p.is(e.provider())))
          .as("ResultRevealed of provider %d", p.number).hasSize(1);
      assertThat(of(events, MarketEvent.Credited.class, e -> p.is(e.account())))
          .as("Credited to provider %d: its price and half the silent provider's stake", p.number).singleElement()
          .satisfies(c -> assertThat(c.amount()).isEqualTo(p.price().add(stake.divide(BigInteger.TWO))));
    }
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
    assertThat(of(events, MarketEvent.ResultAccepted.class, e -> true)).singleElement()
        .satisfies(a -> assertThat(a.agreeing()).isEqualTo(2));
    assertThat(of(events, MarketEvent.ResultRevealed.class, e -> dissenter.is(e.provider())))
        .singleElement().satisfies(r -> assertThat(Cid.fromBytes(r.resultCid())).isNotEqualTo(honestCid));
    BigInteger stake = job.stakePerReplica();
    assertThat(of(events, MarketEvent.ProviderSlashed.class, e -> true)).singleElement().satisfies(s -> {
      assertThat(s.provider()).isEqualToIgnoringCase(dissenter.address());
      assertThat(s.reason()).isEqualTo(DISSENT);
      assertThat(s.amount()).isEqualTo(stake);
    });
    for (Provider p : List.of(honest1, honest2)) {
      assertThat(of(events, MarketEvent.Credited.class, e -> p.is(e.account())))
          .as("Credited to provider %d: its price and half the dissenter's stake", p.number).singleElement()
          .satisfies(c -> assertThat(c.amount()).isEqualTo(p.price().add(stake.divide(BigInteger.TWO))));
    }
    assertThat(of(events, MarketEvent.Credited.class, e -> dissenter.is(e.account()))).isEmpty();
    assertThat(client.provider(dissenter.address()).stake()).isEqualTo(PROVIDER_STAKE.attoFil().subtract(stake));
    assertThat(client.provider(dissenter.address()).locked()).isZero();
    for (Provider p : providers) {
      assertThat(p.row(jobId).step()).isEqualTo(Step.DONE);
      assertThat(client.credits(p.address())).as("credit of provider %d after it withdrew", p.number).isZero();
    }
  }

  // ------------------------------------------------------------------ helpers

  private Provider provider(int number, Executor executor) {
    Provider p = new Provider(number, executor);
    providers.add(p);
    return p;
  }

  /** Adds the CSV and the example spec (input CID filled in, 600 s windows) to Kubo and posts the job as the client. */
  private long postJob() throws IOException {
    Path csv = tmp.resolve("seattle-weather.csv");
    Files.writeString(csv, WEATHER, StandardCharsets.UTF_8);
    Cid data = ipfs.add(csv);
    Path example = HardhatNode.findHardhatDir().getParent().resolve("examples/seattle-precipitation.yaml");
    JobSpec parsed = JobSpecParser.parse(Files.readString(example, StandardCharsets.UTF_8)
        .replace("DATA_CID", data.toString()));
    JobSpec.Market m = parsed.market();
    JobSpec spec = new JobSpec(parsed.name(), parsed.engine(), parsed.inputs(), parsed.resources(), parsed.timeout(),
        new JobSpec.Market(3, 2, m.maxPrice(), m.stake(), Duration.ZERO, WINDOW, WINDOW));
    Path json = tmp.resolve("spec.json");
    Files.writeString(json, JobSpecParser.toJson(spec), StandardCharsets.UTF_8);
    Cid specCid = ipfs.add(json);
    return client.postJob(new JobTerms(specCid.bytes(), 3, 2, m.maxPrice().attoFil(), m.stake().attoFil(),
        0, WINDOW.toSeconds(), WINDOW.toSeconds())).jobId();
  }

  /** What the node would have sent at step EXECUTED: the commitment of its recorded result CID and salt. */
  private static void sendTheNodesCommit(Provider p, long jobId) {
    Row executed = p.row(jobId);
    assertThat(executed.step()).isEqualTo(Step.EXECUTED);
    byte[] cid = Cid.parse(executed.resultCid()).bytes();
    p.market.commit(jobId, p.market.commitmentFor(jobId, cid, executed.salt()));
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

  private void assertEveryoneCommittedOnceAndWasPaid(long jobId) {
    JobView job = client.job(jobId);
    assertThat(job.state()).isEqualTo(JobState.FINALIZED);
    List<MarketEvent> events = history.events(jobId);
    assertThat(of(events, MarketEvent.ResultAccepted.class, e -> true)).singleElement()
        .satisfies(a -> assertThat(a.agreeing()).isEqualTo(3));
    assertThat(of(events, MarketEvent.ProviderSlashed.class, e -> true)).isEmpty();
    for (Provider p : providers) {
      assertThat(of(events, MarketEvent.ResultCommitted.class, e -> p.is(e.provider())))
          .as("ResultCommitted of provider %d", p.number).hasSize(1);
      assertThat(of(events, MarketEvent.ResultRevealed.class, e -> p.is(e.provider())))
          .as("ResultRevealed of provider %d", p.number).hasSize(1);
      assertThat(of(events, MarketEvent.Credited.class, e -> p.is(e.account())))
          .as("Credited to provider %d", p.number).singleElement()
          .satisfies(c -> assertThat(c.amount()).isEqualTo(p.price()));
      assertThat(p.row(jobId).step()).isEqualTo(Step.DONE);
      assertThat(client.credits(p.address())).isZero();
    }
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

    Provider(int number, Executor executor) {
      this.number = number;
      this.account = HardhatNode.devAccount(number + 1);
      Path dataDir = tmp.resolve("provider-" + number);
      this.config = new NodeConfig("provider-" + number, chain.rpcUrl(), deployment.address(),
          deployment.blockNumber(), dataDir.resolve("unused-keystore.json"), dataDir.resolve("unused-password"),
          kubo.apiUrl(), DockerExecutor.DEFAULT_HOST, dataDir, 1000 + number, FilAmount.parse(PRICES[number - 1]),
          PROVIDER_STAKE, Duration.ofMillis(250), 0, 1L << 20);
      this.executors = Map.of(executor.engine(), executor);
      start();
    }

    private void start() {
      db = H2Database.open(config.dataDir().resolve("node"));
      store = new JobStore(db);
      market = chain.market(deployment.address(), account);
      EventWatcher watcher = new EventWatcher(chain.web3j(), deployment.address(), deployment.blockNumber(),
          config.confirmations(), LOG_RANGE, new WatcherStore(db), "market");
      node = new ProviderNode(config, market, watcher, store, ipfs, executors, CLOCK);
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
