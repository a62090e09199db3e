package dev.cod.chain;

import dev.cod.chain.contracts.JobMarket;
import java.math.BigInteger;
import java.util.Optional;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.methods.response.Log;

/**
 * A decoded {@code JobMarket} event. Each carries the {@link EventKey} of its log, which the
 * watcher uses to handle every event exactly once. Amounts in attoFIL.
 */
public sealed interface MarketEvent {
  EventKey key();

  /** Where a log sits on chain: its block and its position (transaction hash, log index). */
  record EventKey(long blockNumber, String blockHash, String txHash, long logIndex) {}

  /**
   * @param inputPieceCid binary piece CID (commP) of the input every bid must hold a deal for; empty: none
   * @param bidWindow seconds; 0 on the fast path
   */
  record JobPosted(EventKey key, long jobId, String client, byte[] specCid, byte[] inputPieceCid, int replicas, int quorum,
      BigInteger maxPrice, BigInteger stakePerReplica, long bidWindow, long deadline) implements MarketEvent {
    public boolean auction() {
      return bidWindow != 0;
    }
  }

  record JobStateChanged(EventKey key, long jobId, JobState previous, JobState current) implements MarketEvent {}

  /**
   * @param price 0 on the fast path (paid maxPrice)
   * @param dealId the storage deal holding the job's input piece (checked by the market's deal
   *     oracle); on a job without an input piece, whatever the bidder named (0 from cod nodes)
   * @param commitment zero for auction bids
   */
  record BidPlaced(EventKey key, long jobId, String provider, int index, BigInteger price, long dealId,
      byte[] commitment) implements MarketEvent {}

  record ProviderAssigned(EventKey key, long jobId, String provider, int index, long commitDeadline)
      implements MarketEvent {}

  record ResultCommitted(EventKey key, long jobId, String provider, int index, byte[] commitment)
      implements MarketEvent {}

  record ResultRevealed(EventKey key, long jobId, String provider, byte[] resultCid) implements MarketEvent {}

  /**
   * Each winner (a revealer of the CID hashing to {@code resultCidHash}) was paid its price plus
   * {@code slashShare} into its balance.
   */
  record ResultAccepted(EventKey key, long jobId, byte[] resultCidHash, int agreeing, BigInteger slashShare)
      implements MarketEvent {}

  record ProviderSlashed(EventKey key, long jobId, String provider, BigInteger amount, int reason)
      implements MarketEvent {}

  record Credited(EventKey key, String account, long jobId, BigInteger amount) implements MarketEvent {}

  record Withdrawn(EventKey key, String account, BigInteger amount) implements MarketEvent {}

  /** A provider took {@code amount} attoFIL of free balance (stake or earnings); {@code balance} is what is left. */
  record StakeWithdrawn(EventKey key, String provider, BigInteger amount, BigInteger balance) implements MarketEvent {}

  /** A provider registered, bound to Filecoin miner actor {@code f0<minerId>}; {@code providerId} names it in jobs. */
  record ProviderRegistered(EventKey key, String provider, long minerId, int providerId) implements MarketEvent {}

  /** A provider added {@code amount} attoFIL to its balance; {@code balance} is its balance after. */
  record StakeDeposited(EventKey key, String provider, BigInteger amount, BigInteger balance) implements MarketEvent {}

  /** Stake (attoFIL) that backed a bid on {@code jobId} that was neither paid nor slashed is free again. */
  record StakeUnlocked(EventKey key, long jobId, String provider, BigInteger amount) implements MarketEvent {}

  /** An event nobody acts on (pause, unpause, parameter changes); kept by name. */
  record Other(EventKey key, String name) implements MarketEvent {}

  /**
   * Decodes a market log by its first topic (the event signature hash).
   *
   * @return the event, or empty for a log that is not a JobMarket event
   */
  static Optional<MarketEvent> decode(Log log) {
    if (log.getTopics() == null || log.getTopics().isEmpty()) {
      return Optional.empty();
    }
    EventKey key = new EventKey(log.getBlockNumber().longValueExact(), log.getBlockHash(),
        log.getTransactionHash(), log.getLogIndex().longValueExact());
    String topic = log.getTopics().get(0);
    if (topic.equals(Topics.JOB_POSTED)) {
      var e = JobMarket.getJobPostedEventFromLog(log);
      return Optional.of(new JobPosted(key, e.jobId.longValueExact(), e.client, e.specCid, e.inputPieceCid,
          e.replicas.intValueExact(), e.quorum.intValueExact(), e.maxPrice, e.stakePerReplica,
          e.bidWindow.longValueExact(), e.deadline.longValueExact()));
    } else if (topic.equals(Topics.JOB_STATE_CHANGED)) {
      var e = JobMarket.getJobStateChangedEventFromLog(log);
      return Optional.of(new JobStateChanged(key, e.jobId.longValueExact(),
          JobState.of(e.previous.intValueExact()), JobState.of(e.current.intValueExact())));
    } else if (topic.equals(Topics.BID_PLACED)) {
      var e = JobMarket.getBidPlacedEventFromLog(log);
      return Optional.of(new BidPlaced(key, e.jobId.longValueExact(), e.provider, e.index.intValueExact(), e.price,
          e.dealId.longValue(), e.commitment));
    } else if (topic.equals(Topics.PROVIDER_ASSIGNED)) {
      var e = JobMarket.getProviderAssignedEventFromLog(log);
      return Optional.of(new ProviderAssigned(key, e.jobId.longValueExact(), e.provider, e.index.intValueExact(),
          e.commitDeadline.longValueExact()));
    } else if (topic.equals(Topics.RESULT_COMMITTED)) {
      var e = JobMarket.getResultCommittedEventFromLog(log);
      return Optional.of(new ResultCommitted(key, e.jobId.longValueExact(), e.provider, e.index.intValueExact(),
          e.commitment));
    } else if (topic.equals(Topics.RESULT_REVEALED)) {
      var e = JobMarket.getResultRevealedEventFromLog(log);
      return Optional.of(new ResultRevealed(key, e.jobId.longValueExact(), e.provider, e.resultCid));
    } else if (topic.equals(Topics.RESULT_ACCEPTED)) {
      var e = JobMarket.getResultAcceptedEventFromLog(log);
      return Optional.of(new ResultAccepted(key, e.jobId.longValueExact(), e.resultCidHash, e.agreeing.intValueExact(),
          e.slashShare));
    } else if (topic.equals(Topics.PROVIDER_SLASHED)) {
      var e = JobMarket.getProviderSlashedEventFromLog(log);
      return Optional.of(new ProviderSlashed(key, e.jobId.longValueExact(), e.provider, e.amount, e.reason.intValueExact()));
    } else if (topic.equals(Topics.CREDITED)) {
      var e = JobMarket.getCreditedEventFromLog(log);
      return Optional.of(new Credited(key, e.account, e.jobId.longValueExact(), e.amount));
    } else if (topic.equals(Topics.WITHDRAWN)) {
      var e = JobMarket.getWithdrawnEventFromLog(log);
      return Optional.of(new Withdrawn(key, e.account, e.amount));
    } else if (topic.equals(Topics.STAKE_WITHDRAWN)) {
      var e = JobMarket.getStakeWithdrawnEventFromLog(log);
      return Optional.of(new StakeWithdrawn(key, e.provider, e.amount, e.balance));
    } else if (topic.equals(Topics.PROVIDER_REGISTERED)) {
      var e = JobMarket.getProviderRegisteredEventFromLog(log);
      return Optional.of(new ProviderRegistered(key, e.provider, e.minerId.longValueExact(), e.providerId.intValueExact()));
    } else if (topic.equals(Topics.STAKE_DEPOSITED)) {
      var e = JobMarket.getStakeDepositedEventFromLog(log);
      return Optional.of(new StakeDeposited(key, e.provider, e.amount, e.balance));
    } else if (topic.equals(Topics.STAKE_UNLOCKED)) {
      var e = JobMarket.getStakeUnlockedEventFromLog(log);
      return Optional.of(new StakeUnlocked(key, e.jobId.longValueExact(), e.provider, e.amount));
    } else if (Topics.OTHER.containsKey(topic)) {
      return Optional.of(new Other(key, Topics.OTHER.get(topic)));
    }
    return Optional.empty();
  }

  /** Event signature hashes (topic 0) of the JobMarket events. */
  final class Topics {
    static final String JOB_POSTED = EventEncoder.encode(JobMarket.JOBPOSTED_EVENT);
    static final String JOB_STATE_CHANGED = EventEncoder.encode(JobMarket.JOBSTATECHANGED_EVENT);
    static final String BID_PLACED = EventEncoder.encode(JobMarket.BIDPLACED_EVENT);
    static final String PROVIDER_ASSIGNED = EventEncoder.encode(JobMarket.PROVIDERASSIGNED_EVENT);
    static final String RESULT_COMMITTED = EventEncoder.encode(JobMarket.RESULTCOMMITTED_EVENT);
    static final String RESULT_REVEALED = EventEncoder.encode(JobMarket.RESULTREVEALED_EVENT);
    static final String RESULT_ACCEPTED = EventEncoder.encode(JobMarket.RESULTACCEPTED_EVENT);
    static final String PROVIDER_SLASHED = EventEncoder.encode(JobMarket.PROVIDERSLASHED_EVENT);
    static final String CREDITED = EventEncoder.encode(JobMarket.CREDITED_EVENT);
    static final String WITHDRAWN = EventEncoder.encode(JobMarket.WITHDRAWN_EVENT);
    static final String STAKE_WITHDRAWN = EventEncoder.encode(JobMarket.STAKEWITHDRAWN_EVENT);
    static final String PROVIDER_REGISTERED = EventEncoder.encode(JobMarket.PROVIDERREGISTERED_EVENT);
    static final String STAKE_DEPOSITED = EventEncoder.encode(JobMarket.STAKEDEPOSITED_EVENT);
    static final String STAKE_UNLOCKED = EventEncoder.encode(JobMarket.STAKEUNLOCKED_EVENT);
    static final java.util.Map<String, String> OTHER = java.util.Map.of(
        EventEncoder.encode(JobMarket.MARKETPAUSED_EVENT), "MarketPaused",
        EventEncoder.encode(JobMarket.MARKETUNPAUSED_EVENT), "MarketUnpaused",
        EventEncoder.encode(JobMarket.PARAMETERCHANGED_EVENT), "ParameterChanged");

    private Topics() {}
  }
}
