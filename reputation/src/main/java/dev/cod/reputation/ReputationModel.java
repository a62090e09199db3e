package dev.cod.reputation;

import dev.cod.chain.JobState;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.web3j.crypto.Hash;

/**
 * The market's record, folded from its events in chain order ({@link #apply}): jobs with their
 * bids, and providers with their counts, amounts (attoFIL) and latencies. Not thread-safe:
 * {@link Reputation} guards it.
 *
 * <p>How events map to the record: a fast-path bid carries its commitment and is its assignment
 * (the contract assigns the bidder at once); an auction bid is assigned by {@code ProviderAssigned}
 * and commits with {@code ResultCommitted}. A reveal of the result whose keccak256 is in
 * {@code ResultAccepted} wins (paid its price, maxPrice on the fast path, plus the slash share);
 * {@code ProviderSlashed} says dissent, no commit or no reveal; {@code StakeUnlocked} frees a bid
 * that lost the auction, was cancelled, or revealed in a job without a quorum.
 */
final class ReputationModel {
  /** What became of a bid. */
  enum Outcome { PENDING, NOT_ASSIGNED, WON, DISSENT, NO_COMMIT, NO_REVEAL, NO_QUORUM }

  static final class Job {
    final long id;
    final String client;
    final int replicas;
    final int quorum;
    final BigInteger maxPrice;
    final BigInteger stakePerReplica;
    final boolean auction;
    final byte[] specCid;
    final long postedBlock;
    final long postedTime;
    JobState state = JobState.OPEN;
    long settledBlock = -1;
    long settledTime = -1;
    int agreeing;
    BigInteger slashShare = BigInteger.ZERO;
    byte[] resultCid;
    final List<Bid> bids = new ArrayList<>();

    Job(EventRow e) {
      id = e.jobId();
      client = e.account();
      replicas = e.idx();
      quorum = e.num().intValue();
      maxPrice = e.amount();
      stakePerReplica = e.amount2();
      auction = e.num2() != 0;
      specCid = e.data();
      postedBlock = e.block();
      postedTime = e.time();
    }

    BigInteger escrow() {
      return maxPrice.multiply(BigInteger.valueOf(replicas));
    }
  }

  static final class Bid {
    final Job job;
    final String provider;
    final int index;
    final BigInteger price;
    final long bidBlock;
    final long bidTime;
    long assignedBlock = -1;
    long assignedTime = -1;
    boolean committed;
    long revealBlock = -1;
    long revealTime = -1;
    byte[] resultCid;
    Outcome outcome = Outcome.PENDING;
    BigInteger earned = BigInteger.ZERO;
    BigInteger slashed = BigInteger.ZERO;
    long settledBlock = -1;
    long settledTime = -1;

    Bid(Job job, EventRow e) {
      this.job = job;
      provider = e.account();
      index = e.idx();
      price = job.auction ? e.amount() : job.maxPrice;
      bidBlock = e.block();
      bidTime = e.time();
    }

    boolean assigned() {
      return assignedBlock >= 0;
    }
  }

  static final class Provider {
    final String address;
    long minerId = -1;
    int providerId;
    BigInteger deposited = BigInteger.ZERO;
    BigInteger withdrawn = BigInteger.ZERO;
    BigInteger earnings = BigInteger.ZERO;
    BigInteger slashedAmount = BigInteger.ZERO;
    BigInteger locked = BigInteger.ZERO;
    long bids;
    long won;
    long agreed;
    long dissent;
    long noCommit;
    long noReveal;
    long noQuorum;
    double contribution;
    final Percentiles latencyBlocks = new Percentiles();
    final Percentiles latencySeconds = new Percentiles();
    final List<Bid> history = new ArrayList<>();
    /** Settled bids (won or slashed) in settlement order: the charts' series. */
    final List<Bid> settled = new ArrayList<>();

    Provider(String address) {
      this.address = address;
    }

    /** Stake plus earnings, attoFIL: what the contract holds for it. */
    BigInteger balance() {
      return deposited.subtract(withdrawn).add(earnings).subtract(slashedAmount);
    }

    long faults() {
      return dissent + noCommit + noReveal;
    }

    double score() {
      return Score.of(agreed, faults(), contribution);
    }
  }

  final Map<Long, Job> jobs = new HashMap<>();
  final Map<String, Provider> providers = new LinkedHashMap<>();
  final Map<String, Long> eventsByKind = new TreeMap<>();
  long events;
  long lastBlock = -1;
  long lastTime = -1;
  BigInteger clientCredits = BigInteger.ZERO;
  BigInteger withdrawals = BigInteger.ZERO;

  void apply(EventRow e) {
    events++;
    eventsByKind.merge(e.kind(), 1L, Long::sum);
    lastBlock = e.block();
    lastTime = e.time();
    switch (e.kind()) {
      case "ProviderRegistered" -> {
        Provider p = provider(e.account());
        p.minerId = e.num();
        p.providerId = e.idx();
      }
      case "StakeDeposited" -> {
        Provider p = provider(e.account());
        p.deposited = p.deposited.add(e.amount());
      }
      case "StakeWithdrawn" -> {
        Provider p = provider(e.account());
        p.withdrawn = p.withdrawn.add(e.amount());
      }
      case "JobPosted" -> jobs.put(e.jobId(), new Job(e));
      case "JobStateChanged" -> job(e).ifPresent(j -> {
        j.state = JobState.of(e.num().intValue());
        if (j.state.isTerminal()) {
          j.settledBlock = e.block();
          j.settledTime = e.time();
        }
      });
      case "BidPlaced" -> job(e).ifPresent(j -> {
        Bid b = new Bid(j, e);
        while (j.bids.size() <= b.index) {
          j.bids.add(null);
        }
        j.bids.set(b.index, b);
        Provider p = provider(e.account());
        p.bids++;
        p.locked = p.locked.add(j.stakePerReplica);
        p.history.add(b);
        if (!j.auction) {
          assign(b, e, p);
          b.committed = true;
        }
      });
      case "ProviderAssigned" -> bidAt(e).ifPresent(b -> assign(b, e, provider(b.provider)));
      case "ResultCommitted" -> bidAt(e).ifPresent(b -> b.committed = true);
      case "ResultRevealed" -> pendingBidOf(e).ifPresent(b -> {
        b.revealBlock = e.block();
        b.revealTime = e.time();
        b.resultCid = e.data();
        Provider p = provider(b.provider);
        if (b.assigned()) {
          p.latencyBlocks.add(b.revealBlock - b.assignedBlock);
          p.latencySeconds.add(b.revealTime - b.assignedTime);
        }
      });
      case "ProviderSlashed" -> pendingBidOf(e).ifPresent(b -> {
        Provider p = provider(b.provider);
        b.slashed = e.amount();
        p.slashedAmount = p.slashedAmount.add(e.amount());
        p.locked = p.locked.subtract(e.amount());
        switch (e.idx()) {
          case 0 -> { b.outcome = Outcome.NO_COMMIT; p.noCommit++; }
          case 1 -> { b.outcome = Outcome.NO_REVEAL; p.noReveal++; }
          default -> { b.outcome = Outcome.DISSENT; p.dissent++; }
        }
        p.contribution = Score.afterFault(p.contribution);
        settle(b, e, p);
      });
      case "StakeUnlocked" -> pendingBidOf(e).ifPresent(b -> {
        Provider p = provider(b.provider);
        p.locked = p.locked.subtract(e.amount());
        b.outcome = b.assigned() ? Outcome.NO_QUORUM : Outcome.NOT_ASSIGNED;
        if (b.outcome == Outcome.NO_QUORUM) {
          p.noQuorum++;
        }
        b.settledBlock = e.block();
        b.settledTime = e.time();
      });
      case "ResultAccepted" -> job(e).ifPresent(j -> {
        j.agreeing = e.idx();
        j.slashShare = e.amount();
        for (Bid b : j.bids) {
          if (b == null || b.resultCid == null || b.outcome != Outcome.PENDING
              || !Arrays.equals(Hash.sha3(b.resultCid), e.data())) {
            continue;
          }
          j.resultCid = b.resultCid;
          Provider p = provider(b.provider);
          b.outcome = Outcome.WON;
          b.earned = b.price.add(j.slashShare);
          p.earnings = p.earnings.add(b.earned);
          p.locked = p.locked.subtract(j.stakePerReplica);
          p.agreed++;
          p.contribution = Score.afterAgreement(p.contribution, j.agreeing >= 2);
          settle(b, e, p);
        }
      });
      case "Credited" -> clientCredits = clientCredits.add(e.amount());
      case "Withdrawn" -> withdrawals = withdrawals.add(e.amount());
      default -> {
        // pause, unpause, parameter changes: counted above, no effect on the record
      }
    }
  }

  private static void assign(Bid b, EventRow e, Provider p) {
    b.assignedBlock = e.block();
    b.assignedTime = e.time();
    p.won++;
  }

  private static void settle(Bid b, EventRow e, Provider p) {
    b.settledBlock = e.block();
    b.settledTime = e.time();
    p.settled.add(b);
  }

  Provider provider(String address) {
    return providers.computeIfAbsent(address, Provider::new);
  }

  private java.util.Optional<Job> job(EventRow e) {
    return java.util.Optional.ofNullable(jobs.get(e.jobId()));
  }

  private java.util.Optional<Bid> bidAt(EventRow e) {
    return job(e).map(j -> e.idx() < j.bids.size() ? j.bids.get(e.idx()) : null);
  }

  /** The provider's bid on the event's job that is not settled yet (a provider bids once per job). */
  private java.util.Optional<Bid> pendingBidOf(EventRow e) {
    return job(e).flatMap(j -> j.bids.stream()
        .filter(b -> b != null && b.provider.equals(e.account()) && b.outcome == Outcome.PENDING)
        .findFirst());
  }
}
