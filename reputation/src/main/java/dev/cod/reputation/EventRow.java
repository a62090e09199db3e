package dev.cod.reputation;

import dev.cod.chain.MarketEvent;
import java.math.BigInteger;
import java.util.Locale;

/**
 * One market event as the reputation store keeps it: where it sits on chain, the timestamp of its
 * block (seconds since the epoch), its kind (the Solidity event name) and its fields in generic
 * columns. Addresses are lower-case 0x strings; amounts are attoFIL.
 *
 * <p>Columns per kind ({@code -} unused):
 * <pre>
 * kind               jobId account   idx          amount          amount2         num            num2       data
 * JobPosted          job   client    replicas     maxPrice        stakePerReplica quorum         bidWindow  specCid
 * JobStateChanged    job   -         previous     -               -               current        -          -
 * BidPlaced          job   provider  bid index    price (0: fast) -               dealId         -          commitment
 * ProviderAssigned   job   provider  bid index    -               -               commitDeadline -          -
 * ResultCommitted    job   provider  bid index    -               -               -              -          commitment
 * ResultRevealed     job   provider  -            -               -               -              -          resultCid
 * ResultAccepted     job   -         agreeing     slashShare      -               -              -          resultCidHash
 * ProviderSlashed    job   provider  reason       amount          -               -              -          -
 * StakeUnlocked      job   provider  -            amount          -               -              -          -
 * Credited           job   account   -            amount          -               -              -          -
 * Withdrawn          -     account   -            amount          -               -              -          -
 * StakeDeposited     -     provider  -            amount          balance         -              -          -
 * StakeWithdrawn     -     provider  -            amount          balance         -              -          -
 * ProviderRegistered -     provider  providerId   -               -               minerId        -          -
 * (other)            -     -         -            -               -               -              -          -
 * </pre>
 * Slash reasons are the contract's {@code SlashReason}: 0 no commit, 1 no reveal, 2 dissent.
 */
public record EventRow(long block, int logIndex, String txHash, String blockHash, long time, String kind,
    Long jobId, String account, Integer idx, BigInteger amount, BigInteger amount2, Long num, Long num2, byte[] data) {

  /** The row of a decoded event whose block has timestamp {@code blockTime} (seconds). */
  public static EventRow of(MarketEvent event, long blockTime) {
    MarketEvent.EventKey k = event.key();
    Builder b = new Builder(k, blockTime);
    if (event instanceof MarketEvent.JobPosted e) {
      return b.kind("JobPosted").job(e.jobId()).account(e.client()).idx(e.replicas()).amount(e.maxPrice())
          .amount2(e.stakePerReplica()).num(e.quorum()).num2(e.bidWindow()).data(e.specCid()).build();
    } else if (event instanceof MarketEvent.JobStateChanged e) {
      return b.kind("JobStateChanged").job(e.jobId()).idx(e.previous().ordinal()).num(e.current().ordinal()).build();
    } else if (event instanceof MarketEvent.BidPlaced e) {
      return b.kind("BidPlaced").job(e.jobId()).account(e.provider()).idx(e.index()).amount(e.price())
          .num(e.dealId()).data(e.commitment()).build();
    } else if (event instanceof MarketEvent.ProviderAssigned e) {
      return b.kind("ProviderAssigned").job(e.jobId()).account(e.provider()).idx(e.index()).num(e.commitDeadline()).build();
    } else if (event instanceof MarketEvent.ResultCommitted e) {
      return b.kind("ResultCommitted").job(e.jobId()).account(e.provider()).idx(e.index()).data(e.commitment()).build();
    } else if (event instanceof MarketEvent.ResultRevealed e) {
      return b.kind("ResultRevealed").job(e.jobId()).account(e.provider()).data(e.resultCid()).build();
    } else if (event instanceof MarketEvent.ResultAccepted e) {
      return b.kind("ResultAccepted").job(e.jobId()).idx(e.agreeing()).amount(e.slashShare()).data(e.resultCidHash()).build();
    } else if (event instanceof MarketEvent.ProviderSlashed e) {
      return b.kind("ProviderSlashed").job(e.jobId()).account(e.provider()).idx(e.reason()).amount(e.amount()).build();
    } else if (event instanceof MarketEvent.StakeUnlocked e) {
      return b.kind("StakeUnlocked").job(e.jobId()).account(e.provider()).amount(e.amount()).build();
    } else if (event instanceof MarketEvent.Credited e) {
      return b.kind("Credited").job(e.jobId()).account(e.account()).amount(e.amount()).build();
    } else if (event instanceof MarketEvent.Withdrawn e) {
      return b.kind("Withdrawn").account(e.account()).amount(e.amount()).build();
    } else if (event instanceof MarketEvent.StakeDeposited e) {
      return b.kind("StakeDeposited").account(e.provider()).amount(e.amount()).amount2(e.balance()).build();
    } else if (event instanceof MarketEvent.StakeWithdrawn e) {
      return b.kind("StakeWithdrawn").account(e.provider()).amount(e.amount()).amount2(e.balance()).build();
    } else if (event instanceof MarketEvent.ProviderRegistered e) {
      return b.kind("ProviderRegistered").account(e.provider()).idx(e.providerId()).num(e.minerId()).build();
    } else if (event instanceof MarketEvent.Other e) {
      return b.kind(e.name()).build();
    }
    throw new IllegalArgumentException("unknown market event " + event.getClass().getSimpleName());
  }

  /** Fills the generic columns by name. */
  private static final class Builder {
    private final MarketEvent.EventKey key;
    private final long time;
    private String kind;
    private Long jobId;
    private String account;
    private Integer idx;
    private BigInteger amount;
    private BigInteger amount2;
    private Long num;
    private Long num2;
    private byte[] data;

    Builder(MarketEvent.EventKey key, long time) {
      this.key = key;
      this.time = time;
    }

    Builder kind(String v) { kind = v; return this; }
    Builder job(long v) { jobId = v; return this; }
    Builder account(String v) { account = v.toLowerCase(Locale.ROOT); return this; }
    Builder idx(int v) { idx = v; return this; }
    Builder amount(BigInteger v) { amount = v; return this; }
    Builder amount2(BigInteger v) { amount2 = v; return this; }
    Builder num(long v) { num = v; return this; }
    Builder num2(long v) { num2 = v; return this; }
    Builder data(byte[] v) { data = v; return this; }

    EventRow build() {
      return new EventRow(key.blockNumber(), Math.toIntExact(key.logIndex()), key.txHash(), key.blockHash(), time, kind,
          jobId, account, idx, amount, amount2, num, num2, data);
    }
  }
}
