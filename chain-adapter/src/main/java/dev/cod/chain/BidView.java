package dev.cod.chain;

import java.math.BigInteger;

/**
 * A bid of a job not yet settled ({@code JobMarket.getBids}; settlement clears them — the
 * events keep the record).
 *
 * @param index the bid's position, used by {@code commit} and {@code reveal}
 * @param price attoFIL paid if it wins (the job's maxPrice on the fast path)
 * @param digest the commitment (zero before an auction bidder commits), or keccak256 of the
 *     revealed result CID once revealed
 */
public record BidView(int index, String provider, BigInteger price, boolean assigned, boolean revealed, byte[] digest) {
  /** Whether the digest is set (committed, or revealed). */
  public boolean committed() {
    for (byte b : digest) {
      if (b != 0) {
        return true;
      }
    }
    return false;
  }
}
