package dev.cod.node;

import dev.cod.chain.BidView;
import dev.cod.chain.EventWatcher;
import dev.cod.chain.JobState;
import dev.cod.chain.JobView;
import dev.cod.chain.MarketContract;
import dev.cod.chain.MarketEvent;
import dev.cod.chain.ProviderView;
import dev.cod.cid.Cid;
import dev.cod.common.CodException;
import dev.cod.common.ContractRevertedException;
import dev.cod.node.JobStore.Row;
import dev.cod.node.JobStore.Step;
import dev.cod.node.deals.DealFinder;
import dev.cod.node.deals.DealLookup;
import dev.cod.node.exec.ExecutionRequest;
import dev.cod.node.files.FileTrees;
import dev.cod.node.exec.ExecutionResult;
import dev.cod.node.exec.Executor;
import dev.cod.node.exec.ResourceLimits;
import dev.cod.node.ipfs.IpfsClient;
import dev.cod.node.spec.JobSpec;
import dev.cod.node.spec.JobSpecParser;
import dev.cod.node.storage.InputSource;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The provider daemon: each round it reads the market's new events ({@link EventWatcher}), then
 * moves every job it takes part in one step along: bid → (assigned) execute and publish → commit
 * → reveal → (settled) withdraw. Each step is recorded in the {@link JobStore} before the next
 * one starts, and each transaction's "already done" revert ({@code JobMarketAlreadyBid},
 * {@code …AlreadyCommitted}, {@code …AlreadyRevealed}) counts as done, so a node restarted at any
 * point resumes without bidding, committing or revealing twice.
 *
 * <p>Deadlines are compared with {@code clock} (the next block's timestamp is close to wall
 * time); the contract has the last word and a premature call just waits for the next round.
 */
public final class ProviderNode implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderNode.class);
  /** Largest job spec fetched, in bytes. */
  static final long MAX_SPEC_BYTES = 1 << 20;

  private final NodeConfig config;
  private final MarketContract market;
  private final EventWatcher watcher;
  private final JobStore store;
  private final IpfsClient ipfs;
  private final Map<String, InputSource> sources;
  private final Map<String, Executor> executors;
  private final DealFinder deals;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<Long, JobSpec> specs = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  /**
   * @param ipfs the node's Kubo daemon: job specs, WASM modules and results go through it
   * @param sources the storage sources inputs are fetched from, by {@link InputSource#type()}
   *     ({@code ipfs}, {@code piece}, …); a job naming another source is not bid on
   * @param executors the engines jobs run on, by {@link Executor#engine()}
   * @param deals which of the SP's storage deals holds a job's input piece (a job naming a piece is
   *     bid on only with such a deal, whose ID the bid names)
   */
  public ProviderNode(NodeConfig config, MarketContract market, EventWatcher watcher, JobStore store,
      IpfsClient ipfs, Map<String, InputSource> sources, Map<String, Executor> executors, DealFinder deals,
      Clock clock) {
    this.config = config;
    this.market = market;
    this.watcher = watcher;
    this.store = store;
    this.ipfs = ipfs;
    this.sources = Map.copyOf(sources);
    this.executors = Map.copyOf(executors);
    this.deals = deals;
    this.clock = clock;
  }

  /** Registers with the configured miner actor ID if needed and tops the stake up to the configured amount. */
  public void ensureRegisteredAndStaked() {
    ProviderView me = market.provider(market.account());
    if (!me.registered()) {
      market.register(config.minerId());
      LOG.info("{} registered as provider for miner f0{}", config.name(), config.minerId());
    }
    BigInteger missing = config.stake().attoFil().subtract(market.provider(market.account()).balance());
    if (missing.signum() > 0) {
      market.stake(missing);
      LOG.info("{} staked {} attoFIL", config.name(), missing);
    }
  }

  /** Runs rounds until {@link #stop()}; a failing round is logged and the next one tries again. */
  @Override
  public void run() {
    LOG.info("{} watching market {} as {}", config.name(), market.address(), market.account());
    while (!stopped) {
      try {
        round();
      } catch (CodException e) {
        LOG.warn("{}: round failed, will retry: {}", config.name(), e.getMessage());
      }
      try {
        Thread.sleep(config.pollInterval().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  public void stop() {
    stopped = true;
  }

  /** One round: handle new events, then advance every active job by at most one step each. */
  public void round() {
    MDC.put("provider", config.name());
    try {
      watcher.poll(this::onEvent);
    } finally {
      MDC.remove("provider");
    }
    for (Row row : store.active()) {
      MDC.put("jobId", String.valueOf(row.jobId()));
      MDC.put("provider", config.name());
      try {
        advance(row);
      } catch (CodException e) {
        if (e.isRetriable()) {
          LOG.warn("job {} step {} will be retried: {}", row.jobId(), row.step(), e.getMessage());
        } else {
          LOG.error("job {} abandoned at step {}: {}", row.jobId(), row.step(), e.getMessage());
          store.update(row.withStep(Step.ABANDONED, e.getMessage()));
        }
      } finally {
        MDC.remove("jobId");
        MDC.remove("provider");
      }
    }
  }

  private void onEvent(MarketEvent event) {
    if (event instanceof MarketEvent.JobPosted p) {
      String spec;
      String piece = null;
      try {
        spec = Cid.fromBytes(p.specCid()).toString();
      } catch (CodException e) {
        store.insertIfAbsent(p.jobId(), "invalid", p.maxPrice(), p.stakePerReplica(), p.auction());
        transition(store.find(p.jobId()).orElseThrow(), Step.SKIPPED, "spec CID is not a CID: " + e.getMessage());
        return;
      }
      try {
        piece = p.inputPieceCid().length == 0 ? null : Cid.fromBytes(p.inputPieceCid()).toString();
      } catch (CodException e) {
        store.insertIfAbsent(p.jobId(), spec, p.maxPrice(), p.stakePerReplica(), p.auction());
        transition(store.find(p.jobId()).orElseThrow(), Step.SKIPPED, "input piece is not a CID: " + e.getMessage());
        return;
      }
      store.insertIfAbsent(p.jobId(), spec, p.maxPrice(), p.stakePerReplica(), p.auction(), piece);
    } else if (event instanceof MarketEvent.ProviderAssigned a && a.provider().equalsIgnoreCase(market.account())) {
      // SEEN too: a node that crashed after sending its bid but before recording it is still assigned
      store.find(a.jobId()).filter(r -> r.auction() && (r.step() == Step.BID || r.step() == Step.SEEN))
          .ifPresent(r -> {
            store.update(r.withBid(Step.ASSIGNED, r.price(), a.index(), "commit before " + a.commitDeadline()));
            LOG.info("job {}: {} -> ASSIGNED (bid {}, commit before {})", r.jobId(), r.step(), a.index(), a.commitDeadline());
          });
    } else if (event instanceof MarketEvent.JobStateChanged s) {
      store.find(s.jobId()).ifPresent(r -> onStateChanged(r, s.current()));
    }
  }

  private void onStateChanged(Row row, JobState current) {
    boolean notBidYet = row.step() == Step.SEEN || (!row.auction() && (row.step() == Step.ASSIGNED || row.step() == Step.EXECUTED));
    if (row.auction() && current == JobState.ASSIGNED && (row.step() == Step.BID || row.step() == Step.SEEN)) {
      transition(row, row.step() == Step.BID ? Step.LOST : Step.SKIPPED, "assigned to other providers");
    } else if (!row.auction() && current == JobState.REVEALING
        && (row.step() == Step.SEEN || row.step() == Step.ASSIGNED)) {
      // the fast path filled up with other providers' bids before this node bid. Not at EXECUTED:
      // its bid may be on chain, sent before a crash (maybe the N-th, which opened the reveals);
      // commit() finds it, or moves to LOST when the bid reverts and none is there.
      transition(row, row.step() == Step.SEEN ? Step.SKIPPED : Step.LOST, "filled by other providers");
    } else if (current.isTerminal()) {
      if (notBidYet) {
        transition(row, Step.SKIPPED, "job ended before this node bid: " + current);
      } else {
        switch (row.step()) {
          case BID -> transition(row, Step.LOST, "job ended while open: " + current);
          case ASSIGNED, EXECUTED, COMMITTED, REVEALED -> transition(row, Step.SETTLED, "job " + current);
          default -> { }
        }
      }
    }
  }

  private void advance(Row row) {
    switch (row.step()) {
      case SEEN -> decideBid(row);
      case BID -> assignIfDue(row);
      case ASSIGNED -> execute(row);
      case EXECUTED -> commit(row);
      case COMMITTED -> reveal(row);
      case REVEALED -> finalizeIfDue(row);
      case SETTLED -> withdraw(row);
      default -> { }
    }
  }

  private JobSpec spec(Row row) {
    return specs.computeIfAbsent(row.jobId(), id -> {
      byte[] json = ipfs.cat(Cid.parse(row.specCid()), MAX_SPEC_BYTES);
      return JobSpecParser.parse(new String(json, StandardCharsets.UTF_8));
    });
  }

  private void decideBid(Row row) {
    JobSpec spec;
    try {
      spec = spec(row);
    } catch (CodException e) {
      if (e.isRetriable()) {
        throw e;
      }
      transition(row, Step.SKIPPED, "spec " + row.specCid() + " unusable: " + e.getMessage());
      return;
    }
    Executor executor = executors.get(spec.engine().type());
    Optional<String> missingSource = missingSource(spec);
    String why = null;
    BigInteger price = config.price().attoFil();
    if (executor == null || !executor.isInstalled()) {
      why = "engine " + spec.engine().type() + " is not available here";
    } else if (!executor.canRun(request(row, spec))) {
      why = "engine " + spec.engine().type() + " cannot run "
          + spec.engine().module().map(m -> "module " + m).orElse("image " + spec.engine().image()) + " here";
    } else if (missingSource.isPresent()) {
      why = "input source " + missingSource.get() + " is not available here";
    } else if (price.compareTo(row.maxPrice()) > 0) {
      why = "max price " + row.maxPrice() + " attoFIL is below this node's price " + price;
    } else if (market.provider(market.account()).free().compareTo(row.stake()) < 0) {
      why = "free stake is below the job's stake " + row.stake() + " attoFIL";
    }
    if (why == null) {
      why = pieceProblem(row, spec);
    }
    if (why == null && row.pieceCid() != null) {
      DealLookup deal = deals.find(Cid.parse(row.pieceCid()));
      if (deal.found()) {
        row = row.withDeal(deal.dealId());
        store.update(row);
        LOG.info("job {}: data is local: {}", row.jobId(), deal.reason());
      } else {
        why = deal.reason();
      }
    }
    if (why != null) {
      transition(row, Step.SKIPPED, why);
      return;
    }
    if (!row.auction()) {
      // fast path: run first, then bid with the commitment (the first N bids win, at maxPrice)
      store.update(row.withBid(Step.ASSIGNED, row.maxPrice(), -1, "fast path: running before bidding"));
      LOG.info("job {}: SEEN -> ASSIGNED (fast path: running before bidding)", row.jobId());
      return;
    }
    int index;
    try {
      index = market.bid(row.jobId(), price, row.dealId(), new byte[32]).index();
    } catch (ContractRevertedException e) {
      switch (e.errorName()) {
        case "JobMarketAlreadyBid" -> index = myBid(row.jobId()).index();
        case "JobMarketWrongState", "JobMarketBidWindowClosed", "JobMarketTooManyBids" -> {
          transition(row, Step.LOST, e.getMessage());
          return;
        }
        default -> throw e;
      }
    }
    store.update(row.withBid(Step.BID, price, index, "bid " + price + " attoFIL"));
    LOG.info("job {}: SEEN -> BID ({} attoFIL, bid {})", row.jobId(), price, index);
  }

  /** Why the spec's piece input and the job's piece on chain disagree, or null when they agree. */
  private static String pieceProblem(Row row, JobSpec spec) {
    Optional<Cid> specPiece = spec.pieceInput().map(JobSpec.Input::cid);
    if (row.pieceCid() == null) {
      return specPiece.map(p -> "the spec names piece " + p + " but the job on chain names none").orElse(null);
    }
    if (specPiece.isEmpty() || !specPiece.get().equals(Cid.parse(row.pieceCid()))) {
      return "the job's piece " + row.pieceCid() + " is not the spec's piece input ("
          + specPiece.map(Cid::toString).orElse("none") + ")";
    }
    return null;
  }

  private Optional<String> missingSource(JobSpec spec) {
    return spec.inputs().stream().map(JobSpec.Input::source).filter(s -> !sources.containsKey(s)).findFirst();
  }

  /** An auction whose bid window passed is closed by any of its bidders (anyone may call assign). */
  private void assignIfDue(Row row) {
    JobView job = market.job(row.jobId());
    if (job.state() == JobState.OPEN && clock.instant().getEpochSecond() >= job.deadline()) {
      try {
        market.assign(row.jobId());
      } catch (ContractRevertedException e) {
        if (!e.errorName().equals("JobMarketWrongState") && !e.errorName().equals("JobMarketBidWindowOpen")) {
          throw e;
        }
      }
    }
  }

  private Path jobDir(long jobId) {
    return config.dataDir().resolve("jobs").resolve(Long.toString(jobId)).toAbsolutePath();
  }

  private ExecutionRequest request(Row row, JobSpec spec) {
    Path dir = jobDir(row.jobId());
    JobSpec.Resources r = spec.resources();
    ResourceLimits limits = new ResourceLimits(r.memoryBytes(), r.cpuMillis() * 1_000_000L, r.pids(),
        spec.timeout(), r.maxOutputBytes());
    // a wasm job's module is fetched by CID next to its inputs (see execute)
    Path module = spec.engine().module().isPresent() ? dir.resolve("module.wasm") : null;
    return new ExecutionRequest("job-" + row.jobId(), spec.engine().image(), spec.engine().entrypoint(),
        spec.engine().args(), spec.engine().env(), dir.resolve("inputs"), dir.resolve("result"), limits, module);
  }

  private void execute(Row row) {
    JobSpec spec = spec(row);
    ExecutionRequest request = request(row, spec);
    Path dir = jobDir(row.jobId());
    FileTrees.delete(dir);
    try {
      Files.createDirectories(request.inputsDir());
    } catch (IOException e) {
      throw new CodException(dev.cod.common.ErrorCode.EXECUTION_FAILED, "cannot create " + dir + ": " + e.getMessage(), e);
    }
    long budget = config.maxInputBytes();
    for (JobSpec.Input input : spec.inputs()) {
      Path target = request.inputsDir().resolve(input.path().substring("/inputs/".length()));
      InputSource source = sources.get(input.source());
      if (source == null) {
        throw new CodException(dev.cod.common.ErrorCode.EXECUTION_FAILED,
            "input source " + input.source() + " is not available on this node");
      }
      if (budget <= 0) {
        throw new CodException(dev.cod.common.ErrorCode.INVALID_INPUT, "the job's inputs are over this node's "
            + "maxInputBytes (" + config.maxInputBytes() + " bytes) before " + input.path());
      }
      source.fetch(input.cid().toString(), target, budget);
      budget -= FileTrees.size(target); // the limit is for all the job's inputs together
      LOG.info("job {}: fetched input {} ({}) to {}", row.jobId(), input.cid(), input.source(), input.path());
    }
    if (spec.engine().module().isPresent()) {
      // every byte checked against the module's CID
      ipfs.get(spec.engine().module().get(), request.moduleFile(), dev.cod.node.exec.wasm.WasmExecutor.MAX_MODULE_BYTES);
      LOG.info("job {}: fetched module {}", row.jobId(), spec.engine().module().get());
    }
    Executor executor = executors.get(spec.engine().type());
    if (executor == null) {
      throw new CodException(dev.cod.common.ErrorCode.EXECUTION_FAILED,
          "engine " + spec.engine().type() + " is not available on this node");
    }
    ExecutionResult result = executor.run(request);
    Cid resultCid = ipfs.add(request.resultDir());
    byte[] salt = new byte[32];
    random.nextBytes(salt);
    store.update(row.withResult(Step.EXECUTED, salt, resultCid.toString(),
        "exit code " + result.exitCode() + (result.timedOut() ? " (timed out)" : "")));
    LOG.info("job {}: ran in {} ms, exit code {}, result {}", row.jobId(), result.duration().toMillis(),
        result.exitCode(), resultCid);
  }

  /**
   * Auction: {@code commit(jobId, index, commitment)}. Fast path: the bid itself, carrying the
   * commitment. A commit or bid sent before a crash may already be on chain behind whatever the
   * contract checks first (AlreadyCommitted/AlreadyBid, a deadline, the state it moved to): then
   * this node's own bid, if it holds the recorded commitment, counts as done.
   */
  private void commit(Row row) {
    byte[] cid = Cid.parse(row.resultCid()).bytes();
    byte[] commitment = market.commitmentFor(row.jobId(), cid, row.salt());
    int index = row.bidIndex();
    try {
      if (row.auction()) {
        market.commit(row.jobId(), index, commitment);
      } else {
        index = market.bid(row.jobId(), BigInteger.ZERO, row.dealId(), commitment).index();
      }
    } catch (ContractRevertedException e) {
      switch (e.errorName()) {
        case "JobMarketAlreadyCommitted", "JobMarketAlreadyBid", "JobMarketCommitDeadlinePassed",
            "JobMarketBidWindowClosed", "JobMarketWrongState" -> {
          Optional<BidView> mine = findMyBid(row.jobId());
          if (mine.isEmpty() || !mine.get().committed()) {
            transition(row, row.auction() ? Step.ABANDONED : Step.LOST, e.getMessage());
            return;
          }
          if (!Arrays.equals(mine.get().digest(), commitment)) {
            throw new CodException(dev.cod.common.ErrorCode.INTERNAL,
                "job " + row.jobId() + " holds a commitment of this account that is not the one recorded");
          }
          index = mine.get().index();
        }
        default -> throw e;
      }
    }
    store.update(row.withBid(Step.COMMITTED, row.price(), index, "committed to " + row.resultCid()));
    LOG.info("job {}: EXECUTED -> COMMITTED (bid {}, result {})", row.jobId(), index, row.resultCid());
  }

  private void reveal(Row row) {
    JobView job = market.job(row.jobId());
    long now = clock.instant().getEpochSecond();
    if (job.state().isTerminal()) {
      transition(row, Step.SETTLED, "job " + job.state() + " before this node revealed");
      return;
    }
    if (!job.revealsOpenAt(now)) {
      return;
    }
    try {
      market.reveal(row.jobId(), row.bidIndex(), Cid.parse(row.resultCid()).bytes(), row.salt());
    } catch (ContractRevertedException e) {
      switch (e.errorName()) {
        case "JobMarketAlreadyRevealed" -> { }
        case "JobMarketRevealNotOpen" -> {
          return;
        }
        case "JobMarketRevealDeadlinePassed", "JobMarketWrongState" -> {
          // a reveal sent before a crash may be on chain behind the deadline or state check
          if (findMyBid(row.jobId()).filter(BidView::revealed).isEmpty()
              && !market.job(row.jobId()).state().isTerminal()) {
            transition(row, Step.ABANDONED, e.getMessage());
            return;
          }
        }
        default -> throw e;
      }
    }
    transition(row, Step.REVEALED, "revealed " + row.resultCid());
  }

  private void finalizeIfDue(Row row) {
    JobView job = market.job(row.jobId());
    if (job.state().isTerminal()) {
      transition(row, Step.SETTLED, "job " + job.state());
      return;
    }
    if (job.state() == JobState.REVEALING && clock.instant().getEpochSecond() >= job.deadline()) {
      try {
        market.finalizeJob(row.jobId());
      } catch (ContractRevertedException e) {
        if (!e.errorName().equals("JobMarketDeadlineNotReached") && !e.errorName().equals("JobMarketWrongState")) {
          throw e;
        }
      }
    }
  }

  /**
   * Pay goes into the provider's balance: take out whatever exceeds the stake this node is
   * configured to keep (and is not locked by other bids); then any refund credit.
   */
  private void withdraw(Row row) {
    ProviderView me = market.provider(market.account());
    BigInteger excess = me.balance().subtract(config.stake().attoFil()).min(me.free());
    if (excess.signum() > 0) {
      market.withdrawStake(excess);
      LOG.info("job {}: withdrew {} attoFIL of earnings", row.jobId(), excess);
    }
    BigInteger credit = market.credits(market.account());
    if (credit.signum() > 0) {
      try {
        market.withdraw();
        LOG.info("withdrew {} attoFIL of credit", credit);
      } catch (ContractRevertedException e) {
        if (!e.errorName().equals("JobMarketNothingToWithdraw")) {
          throw e;
        }
      }
    }
    transition(row, Step.DONE, "settled and withdrawn");
    specs.remove(row.jobId());
  }

  private Optional<BidView> findMyBid(long jobId) {
    return market.bids(jobId).stream().filter(b -> b.provider().equalsIgnoreCase(market.account())).findFirst();
  }

  private BidView myBid(long jobId) {
    return findMyBid(jobId).orElseThrow(() ->
        new CodException(dev.cod.common.ErrorCode.INTERNAL, "no bid of this account on job " + jobId));
  }


  private void transition(Row row, Step next, String why) {
    store.update(row.withStep(next, why));
    LOG.info("job {}: {} -> {} ({})", row.jobId(), row.step(), next, why);
  }

  /** Steps a job this node can still act on: for status output. */
  public static final Set<Step> IN_FLIGHT = Set.of(Step.BID, Step.ASSIGNED, Step.EXECUTED, Step.COMMITTED, Step.REVEALED);

}
