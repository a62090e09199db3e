package dev.cod.chain;

import java.math.BigInteger;
import java.util.Objects;

/**
 * What a client offers when it posts a job: the arguments of {@code JobMarket.postJob}.
 *
 * @param specCid binary CID of the job spec JSON on IPFS
 * @param replicas providers to run the job (1..7)
 * @param quorum agreeing reveals needed (more than replicas / 2)
 * @param maxPrice attoFIL paid per replica on the fast path, the most paid in an auction (below 2^80)
 * @param stakePerReplica attoFIL each assigned provider locks (below 2^88, whole nanoFIL)
 * @param bidWindowSeconds 0 for the fast path (bids carry commitments; the first N win)
 * @param executionWindowSeconds from posting (fast path) or assignment (auction) to the commit deadline
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
    if (maxPrice.signum() < 0 || maxPrice.bitLength() > 80) {
      throw new IllegalArgumentException("maxPrice must be in [0, 2^80) attoFIL, got " + maxPrice);
    }
    if (stakePerReplica.signum() < 0 || stakePerReplica.bitLength() > 88) {
      throw new IllegalArgumentException("stakePerReplica must be in [0, 2^88) attoFIL, got " + stakePerReplica);
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
