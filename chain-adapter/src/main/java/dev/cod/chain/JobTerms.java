package dev.cod.chain;

import java.math.BigInteger;
import java.util.Objects;

/**
 * What a client offers when it posts a job: the arguments of {@code JobMarket.postJob}.
 *
 * @param specCid binary CID of the job spec JSON on IPFS
 * @param inputPieceCid binary piece CID (commP: CIDv1, codec fil-commitment-unsealed 0xf101, as
 *     in Filecoin deal proposals) of the input that every bidder's miner must hold in an active
 *     storage deal; empty for a job without one; at most {@link #MAX_CID_LENGTH} bytes
 * @param replicas providers to run the job (1..7)
 * @param quorum agreeing reveals needed (more than replicas / 2)
 * @param maxPrice attoFIL paid per replica on the fast path, the most paid in an auction (below 2^80)
 * @param stakePerReplica attoFIL each assigned provider locks: whole nanoFIL, at most
 *     {@link #MAX_STAKE_PER_REPLICA}
 * @param bidWindowSeconds 0 for the fast path (bids carry commitments; the first N win)
 * @param executionWindowSeconds from posting (fast path) or assignment (auction) to the commit deadline
 * @param revealWindowSeconds from the commit deadline to the reveal deadline
 */
public record JobTerms(
    byte[] specCid, byte[] inputPieceCid, int replicas, int quorum, BigInteger maxPrice,
    BigInteger stakePerReplica, long bidWindowSeconds, long executionWindowSeconds, long revealWindowSeconds) {
  /** The longest CID the market takes, in bytes (JobMarket.MAX_CID_LENGTH). */
  public static final int MAX_CID_LENGTH = 128;
  /** The largest stake per replica, attoFIL: 2^56 − 1 nanoFIL (JobMarket.MAX_STAKE_PER_REPLICA). */
  public static final BigInteger MAX_STAKE_PER_REPLICA =
      BigInteger.ONE.shiftLeft(56).subtract(BigInteger.ONE).multiply(BigInteger.TEN.pow(9));

  public JobTerms {
    Objects.requireNonNull(specCid, "specCid");
    Objects.requireNonNull(inputPieceCid, "inputPieceCid (empty for none)");
    Objects.requireNonNull(maxPrice, "maxPrice");
    Objects.requireNonNull(stakePerReplica, "stakePerReplica");
    specCid = specCid.clone();
    inputPieceCid = inputPieceCid.clone();
    if (inputPieceCid.length > MAX_CID_LENGTH) {
      throw new IllegalArgumentException("inputPieceCid must be at most " + MAX_CID_LENGTH + " bytes, got "
          + inputPieceCid.length);
    }
    if (maxPrice.signum() < 0 || maxPrice.bitLength() > 80) {
      throw new IllegalArgumentException("maxPrice must be in [0, 2^80) attoFIL, got " + maxPrice);
    }
    if (stakePerReplica.signum() < 0 || stakePerReplica.compareTo(MAX_STAKE_PER_REPLICA) > 0) {
      throw new IllegalArgumentException(
          "stakePerReplica must be in [0, " + MAX_STAKE_PER_REPLICA + "] attoFIL, got " + stakePerReplica);
    }
  }

  /** A job without an input piece. */
  public JobTerms(byte[] specCid, int replicas, int quorum, BigInteger maxPrice, BigInteger stakePerReplica,
      long bidWindowSeconds, long executionWindowSeconds, long revealWindowSeconds) {
    this(specCid, new byte[0], replicas, quorum, maxPrice, stakePerReplica, bidWindowSeconds,
        executionWindowSeconds, revealWindowSeconds);
  }

  /** The same terms naming {@code pieceCid} (binary piece CID) as the job's input piece. */
  public JobTerms withInputPiece(byte[] pieceCid) {
    return new JobTerms(specCid, pieceCid, replicas, quorum, maxPrice, stakePerReplica, bidWindowSeconds,
        executionWindowSeconds, revealWindowSeconds);
  }

  /** Whether the job names an input piece. */
  public boolean hasInputPiece() {
    return inputPieceCid.length != 0;
  }

  /** The escrow the client sends: replicas × maxPrice, in attoFIL. */
  public BigInteger escrow() {
    return maxPrice.multiply(BigInteger.valueOf(replicas));
  }

  @Override
  public byte[] specCid() {
    return specCid.clone();
  }

  @Override
  public byte[] inputPieceCid() {
    return inputPieceCid.clone();
  }
}
