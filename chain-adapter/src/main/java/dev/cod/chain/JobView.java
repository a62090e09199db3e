package dev.cod.chain;

import java.math.BigInteger;

/**
 * A job as the contract keeps it ({@code JobMarket.getJob}). Amounts in attoFIL, times in
 * seconds since the Unix epoch (block timestamps).
 *
 * @param auction false on the fast path (bids carry commitments and are paid maxPrice), true for
 *     an auction (bids carry prices; {@code assign}, then {@code commit})
 * @param deadline the current phase's deadline: the bid deadline of an open auction, the commit
 *     deadline of an open fast-path or assigned job, the reveal deadline while revealing
 * @param assignedMask bit i set: bid i is assigned
 * @param revealedMask bit i set: bid i revealed
 */
public record JobView(
    long jobId, String client, JobState state, boolean auction, int replicas, int quorum, int bidCount,
    int commitCount, int revealCount, long deadline, int assignedMask, int revealedMask, long executionWindow,
    long revealWindow, BigInteger maxPrice, BigInteger stakePerReplica) {

  /** Whether reveals are open or may open now: every assigned provider committed, or the commit deadline passed with a quorum of commits. */
  public boolean revealsOpenAt(long now) {
    if (state == JobState.REVEALING) {
      return now < deadline;
    }
    boolean committing = state == JobState.ASSIGNED || (state == JobState.OPEN && !auction);
    return committing && now >= deadline && commitCount >= quorum;
  }

  /** The escrow: replicas × maxPrice, attoFIL. */
  public BigInteger escrow() {
    return maxPrice.multiply(BigInteger.valueOf(replicas));
  }
}
