package dev.cod.reputation;

import dev.cod.chain.JobState;
import dev.cod.cid.Cid;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;
import org.web3j.utils.Numeric;

/**
 * The reputation service's read side: the {@link ReputationModel} folded from the store, behind a
 * read-write lock, answered as the JSON API's records. Amounts are attoFIL as decimal strings
 * (JSON numbers lose precision past 2^53); blocks are block numbers, times seconds since the epoch.
 */
public final class Reputation {
  /** Most history entries a provider's answer lists (the newest); the series covers all. */
  public static final int HISTORY_LIMIT = 200;
  /** Most points of a provider's chart series. */
  public static final int SERIES_POINTS = 200;
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  private static final Pattern MINER = Pattern.compile("[ft]0([0-9]{1,19})");

  private final ReputationStore store;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private ReputationModel model = new ReputationModel();
  private long cursorBlock = -1;
  private long chainHead = -1;
  private volatile List<ProviderSummary> leaderboard;

  public Reputation(ReputationStore store) {
    this.store = store;
  }

  /** Folds every stored event again (at start, and after a range was replaced). */
  public void rebuild() {
    ReputationModel fresh = new ReputationModel();
    store.forEach(fresh::apply);
    lock.writeLock().lock();
    try {
      model = fresh;
      leaderboard = null;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Folds newly indexed events (in chain order, after every event folded so far). */
  public void apply(List<EventRow> rows) {
    lock.writeLock().lock();
    try {
      rows.forEach(model::apply);
      leaderboard = null;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Records how far the indexer got ({@code cursorBlock}) and the chain's head, both block numbers. */
  public void progress(long cursorBlock, long chainHead) {
    lock.writeLock().lock();
    try {
      this.cursorBlock = cursorBlock;
      this.chainHead = chainHead;
    } finally {
      lock.writeLock().unlock();
    }
  }

  // ------------------------------------------------------------------ answers

  /** A provider's record. Counts are jobs; amounts attoFIL; latencies from assignment to reveal. */
  public record ProviderSummary(String address, String minerId, double score, double contribution,
      String balanceAttoFil, String lockedAttoFil, String depositedAttoFil, String withdrawnAttoFil,
      long jobsBid, long jobsWon, long finalizedAgreeing, long dissenting, long silent, long silentNoCommit,
      long silentNoReveal, long revealedWithoutQuorum, long slashes, String slashedAttoFil, String earningsAttoFil,
      long filPlusBlessings, Double agreementRate, Long medianRevealBlocks, Long p95RevealBlocks,
      Long medianRevealSeconds, Long p95RevealSeconds) {}

  /** One bid of a provider: its job, when it was assigned and revealed (blocks), what became of it. */
  public record HistoryEntry(long jobId, int bidIndex, long bidBlock, long bidTime, Long assignedBlock, Long revealBlock,
      Long revealSeconds, String outcome, String priceAttoFil, String earnedAttoFil, String slashedAttoFil,
      Long settledBlock, Long settledTime) {}

  /** The provider's record after a settlement (cumulative): the charts' data. */
  public record SeriesPoint(long block, long time, long settled, long agreed, long faults, double agreementRate,
      String earningsAttoFil) {}

  public record ProviderDetail(ProviderSummary provider, List<HistoryEntry> history, long historyTotal,
      List<SeriesPoint> series) {}

  public record JobBid(int index, String provider, String priceAttoFil, Long assignedBlock, Long revealBlock,
      String resultCid, String outcome, String earnedAttoFil, String slashedAttoFil) {}

  public record TimelineEntry(long block, long time, String txHash, int logIndex, String event, String account,
      String detail) {}

  public record JobDetail(long jobId, String client, String state, boolean auction, int replicas, int quorum,
      String maxPriceAttoFil, String stakePerReplicaAttoFil, String escrowAttoFil, String specCid, String resultCid,
      int agreeing, String slashShareAttoFil, long postedBlock, long postedTime, Long settledBlock, Long settledTime,
      List<JobBid> bids, List<TimelineEntry> timeline) {}

  /** Network totals. {@code filPlusBlessings} is 0 until the contract's FIL+ bless function exists. */
  public record Stats(long eventsIndexed, long cursorBlock, long chainHead, long lagBlocks, long jobs,
      Map<String, Long> jobsByState, long providers, long bids, String escrowAttoFil, String paidToProvidersAttoFil,
      String slashedAttoFil, String creditedToClientsAttoFil, long filPlusBlessings, Map<String, Long> eventsByKind,
      Long lastEventTime) {}

  /**
   * Every provider, sorted.
   *
   * @param sort a {@link ProviderSummary} field: score, jobsBid, jobsWon, finalizedAgreeing, dissenting, silent,
   *     slashes, earnings, balance, agreementRate
   * @param descending the order
   * @throws CodException INVALID_INPUT for an unknown sort field
   */
  public List<ProviderSummary> providers(String sort, boolean descending) {
    Comparator<ProviderSummary> by = switch (sort) {
      case "score" -> Comparator.comparingDouble(ProviderSummary::score);
      case "jobsBid" -> Comparator.comparingLong(ProviderSummary::jobsBid);
      case "jobsWon" -> Comparator.comparingLong(ProviderSummary::jobsWon);
      case "finalizedAgreeing" -> Comparator.comparingLong(ProviderSummary::finalizedAgreeing);
      case "dissenting" -> Comparator.comparingLong(ProviderSummary::dissenting);
      case "silent" -> Comparator.comparingLong(ProviderSummary::silent);
      case "slashes" -> Comparator.comparingLong(ProviderSummary::slashes);
      case "earnings" -> Comparator.comparing(p -> new BigInteger(p.earningsAttoFil()));
      case "balance" -> Comparator.comparing(p -> new BigInteger(p.balanceAttoFil()));
      case "agreementRate" -> Comparator.comparingDouble(p -> p.agreementRate() == null ? -1 : p.agreementRate());
      default -> throw new CodException(ErrorCode.INVALID_INPUT, "sort: expected one of score, jobsBid, jobsWon, "
          + "finalizedAgreeing, dissenting, silent, slashes, earnings, balance, agreementRate; found '" + sort + "'");
    };
    List<ProviderSummary> all = new ArrayList<>(leaderboard());
    all.sort(descending ? by.reversed() : by);
    return all;
  }

  private List<ProviderSummary> leaderboard() {
    lock.readLock().lock();
    try {
      List<ProviderSummary> cached = leaderboard;
      if (cached != null) {
        return cached;
      }
      List<ProviderSummary> all = new ArrayList<>();
      for (ReputationModel.Provider p : model.providers.values()) {
        all.add(summary(p));
      }
      leaderboard = List.copyOf(all); // benign race: two readers may both compute it
      return leaderboard;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * One provider's record, history and chart series.
   *
   * @param id its 0x address, or its miner actor id ({@code f01234})
   * @throws CodException INVALID_INPUT if {@code id} is neither
   */
  public Optional<ProviderDetail> provider(String id) {
    String key = id.trim();
    boolean address = ADDRESS.matcher(key).matches();
    var miner = MINER.matcher(key);
    if (!address && !miner.matches()) {
      throw new CodException(ErrorCode.INVALID_INPUT, "provider id: expected a 0x address (40 hex digits) or a miner "
          + "actor id such as f01234; found '" + id + "'");
    }
    lock.readLock().lock();
    try {
      ReputationModel.Provider p;
      if (address) {
        p = model.providers.get(key.toLowerCase(Locale.ROOT));
      } else {
        long minerId = Long.parseLong(miner.group(1));
        p = model.providers.values().stream().filter(x -> x.minerId == minerId).findFirst().orElse(null);
      }
      if (p == null) {
        return Optional.empty();
      }
      List<HistoryEntry> history = new ArrayList<>();
      List<ReputationModel.Bid> bids = p.history;
      for (int i = bids.size() - 1; i >= 0 && history.size() < HISTORY_LIMIT; i--) {
        history.add(entry(bids.get(i)));
      }
      return Optional.of(new ProviderDetail(summary(p), history, bids.size(), series(p)));
    } finally {
      lock.readLock().unlock();
    }
  }

  /** A job's terms, bids and timeline (read from the store). */
  public Optional<JobDetail> job(long jobId) {
    if (jobId < 1) {
      throw new CodException(ErrorCode.INVALID_INPUT, "job id: expected a positive integer; found " + jobId);
    }
    JobDetail partial;
    lock.readLock().lock();
    try {
      ReputationModel.Job j = model.jobs.get(jobId);
      if (j == null) {
        return Optional.empty();
      }
      List<JobBid> bids = new ArrayList<>();
      for (ReputationModel.Bid b : j.bids) {
        if (b != null) {
          bids.add(new JobBid(b.index, b.provider, b.price.toString(), opt(b.assignedBlock), opt(b.revealBlock),
              cid(b.resultCid), b.outcome.name(), b.earned.toString(), b.slashed.toString()));
        }
      }
      partial = new JobDetail(j.id, j.client, j.state.name(), j.auction, j.replicas, j.quorum, j.maxPrice.toString(),
          j.stakePerReplica.toString(), j.escrow().toString(), cid(j.specCid), cid(j.resultCid), j.agreeing,
          j.slashShare.toString(), j.postedBlock, j.postedTime, opt(j.settledBlock), opt(j.settledTime), bids, List.of());
    } finally {
      lock.readLock().unlock();
    }
    List<TimelineEntry> timeline = new ArrayList<>();
    for (EventRow e : store.jobEvents(jobId)) {
      timeline.add(new TimelineEntry(e.block(), e.time(), e.txHash(), e.logIndex(), e.kind(), e.account(), detail(e)));
    }
    return Optional.of(new JobDetail(partial.jobId(), partial.client(), partial.state(), partial.auction(),
        partial.replicas(), partial.quorum(), partial.maxPriceAttoFil(), partial.stakePerReplicaAttoFil(),
        partial.escrowAttoFil(), partial.specCid(), partial.resultCid(), partial.agreeing(), partial.slashShareAttoFil(),
        partial.postedBlock(), partial.postedTime(), partial.settledBlock(), partial.settledTime(), partial.bids(),
        timeline));
  }

  /** Network totals. */
  public Stats stats() {
    lock.readLock().lock();
    try {
      Map<String, Long> byState = new LinkedHashMap<>();
      for (JobState s : JobState.values()) {
        if (s != JobState.NONE) {
          byState.put(s.name(), 0L);
        }
      }
      BigInteger escrow = BigInteger.ZERO;
      long bids = 0;
      for (ReputationModel.Job j : model.jobs.values()) {
        byState.merge(j.state.name(), 1L, Long::sum);
        escrow = escrow.add(j.escrow());
      }
      BigInteger paid = BigInteger.ZERO;
      BigInteger slashed = BigInteger.ZERO;
      for (ReputationModel.Provider p : model.providers.values()) {
        paid = paid.add(p.earnings);
        slashed = slashed.add(p.slashedAmount);
        bids += p.bids;
      }
      return new Stats(model.events, cursorBlock, chainHead, chainHead < 0 || cursorBlock < 0 ? 0 : chainHead - cursorBlock,
          model.jobs.size(), byState, model.providers.size(), bids, escrow.toString(), paid.toString(), slashed.toString(),
          model.clientCredits.toString(), 0, new LinkedHashMap<>(model.eventsByKind),
          model.lastTime < 0 ? null : model.lastTime);
    } finally {
      lock.readLock().unlock();
    }
  }

  // ------------------------------------------------------------------ helpers

  private static ProviderSummary summary(ReputationModel.Provider p) {
    long judged = p.agreed + p.dissent;
    BigInteger balance = p.balance();
    return new ProviderSummary(p.address, p.minerId < 0 ? null : "f0" + p.minerId, round(p.score()),
        round(p.contribution), balance.toString(), p.locked.toString(), p.deposited.toString(), p.withdrawn.toString(),
        p.bids, p.won, p.agreed, p.dissent, p.noCommit + p.noReveal, p.noCommit, p.noReveal, p.noQuorum, p.faults(),
        p.slashedAmount.toString(), p.earnings.toString(), 0, judged == 0 ? null : round((double) p.agreed / judged),
        p.latencyBlocks.percentile(50), p.latencyBlocks.percentile(95), p.latencySeconds.percentile(50),
        p.latencySeconds.percentile(95));
  }

  private static HistoryEntry entry(ReputationModel.Bid b) {
    return new HistoryEntry(b.job.id, b.index, b.bidBlock, b.bidTime, opt(b.assignedBlock), opt(b.revealBlock),
        b.revealTime >= 0 && b.assignedTime >= 0 ? b.revealTime - b.assignedTime : null, b.outcome.name(),
        b.price.toString(), b.earned.toString(), b.slashed.toString(), opt(b.settledBlock), opt(b.settledTime));
  }

  private static List<SeriesPoint> series(ReputationModel.Provider p) {
    List<SeriesPoint> out = new ArrayList<>();
    int n = p.settled.size();
    int step = Math.max(1, (n + SERIES_POINTS - 1) / SERIES_POINTS);
    long agreed = 0;
    long faults = 0;
    BigInteger earnings = BigInteger.ZERO;
    for (int i = 0; i < n; i++) {
      ReputationModel.Bid b = p.settled.get(i);
      if (b.outcome == ReputationModel.Outcome.WON) {
        agreed++;
        earnings = earnings.add(b.earned);
      } else {
        faults++;
      }
      if ((i + 1) % step == 0 || i == n - 1) {
        out.add(new SeriesPoint(b.settledBlock, b.settledTime, i + 1, agreed, faults,
            round((double) agreed / (i + 1)), earnings.toString()));
      }
    }
    return out;
  }

  private static String detail(EventRow e) {
    return switch (e.kind()) {
      case "JobPosted" -> "replicas " + e.idx() + ", quorum " + e.num() + ", maxPrice " + e.amount() + " attoFIL, stake "
          + e.amount2() + " attoFIL, " + (e.num2() == 0 ? "fast path" : "auction, bid window " + e.num2() + " s")
          + ", spec " + cid(e.data());
      case "JobStateChanged" -> JobState.of(e.idx()) + " -> " + JobState.of(e.num().intValue());
      case "BidPlaced" -> "bid #" + e.idx() + (e.amount().signum() > 0 ? ", price " + e.amount() + " attoFIL" : "")
          + (e.num() != 0 ? ", deal " + e.num() : "")
          + (e.data() != null && new BigInteger(1, e.data()).signum() != 0 ? ", commitment " + Numeric.toHexString(e.data()) : "");
      case "ProviderAssigned" -> "bid #" + e.idx() + ", commit by " + e.num();
      case "ResultCommitted" -> "bid #" + e.idx() + ", commitment " + Numeric.toHexString(e.data());
      case "ResultRevealed" -> "result " + cid(e.data());
      case "ResultAccepted" -> e.idx() + " agreeing, slash share " + e.amount() + " attoFIL each";
      case "ProviderSlashed" -> e.amount() + " attoFIL, " + switch (e.idx()) {
        case 0 -> "no commit";
        case 1 -> "no reveal";
        default -> "dissent";
      };
      case "StakeUnlocked", "Credited" -> e.amount() + " attoFIL";
      default -> "";
    };
  }

  static String cid(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return Cid.fromBytes(bytes).toString();
    } catch (RuntimeException notACid) {
      return Numeric.toHexString(bytes);
    }
  }

  private static Long opt(long v) {
    return v < 0 ? null : v;
  }

  private static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
