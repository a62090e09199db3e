package dev.cod.chain;

import java.math.BigInteger;
import java.util.Objects;

/**
 * What a client offers when it posts a job: the arguments of {@code JobMarket.postJob}.
 *
 * @param specCid binary CID of the job spec JSON on IPFS
 * @param replicas providers to run the job (1..7)
 * @param quorum agreeing reveals needed (more than replicas / 2)
 * @param maxPrice most attoFIL paid per replica
 * @param stakePerReplica attoFIL each assigned provider locks
 * @param bidWindowSeconds 0 for the fast path (the N-th bid assigns)
 * @param executionWindowSeconds from assignment to the commit deadline
 * @param revealWindowSeconds from the commit deadline to the reveal deadline
 */
public record JobTerms(
    byte[] specCid, int replicas, int quorum, BigInteger maxPrice, BigInteger stakePerReplica,
    long bidWindowSeconds, long executionWindowSeconds, long revealWindowSeconds) {
  public JobTerms {
    Objects.requireNonNull(specCid, "specCid");
    Objects.requireNonNull(maxPrice, "maxPrice");
    Objects.requireNonNull(stakePerReplica, "stakePerReplica");
    specCid = specCid.clone();
    if (maxPrice.signum() < 0 || stakePerReplica.signum() < 0) {
      throw new IllegalArgumentException("maxPrice and stakePerReplica must not be negative");
    }
  }

  /** The escrow the client sends: replicas × maxPrice, in attoFIL. */
  public BigInteger escrow() {
    return maxPrice.multiply(BigInteger.valueOf(replicas));
  }

  @Override
  public byte[] specCid() {
    return specCid.clone();
  }
}
