package dev.cod.chain;

import java.math.BigInteger;

/**
 * A bid as the contract stores it ({@code JobMarket.getBids}).
 *
 * @param price attoFIL asked
 * @param dealId storage deal named by the bid (0: none)
 * @param commitment zero until the provider commits
 * @param resultHash keccak256 of the revealed result CID, zero until revealed
 */
public record BidView(
    String provider, long dealId, boolean assigned, boolean revealed, BigInteger price,
    byte[] commitment, byte[] resultHash) {
  /** Whether the provider has committed. */
  public boolean committed() {
    for (byte b : commitment) {
      if (b != 0) {
        return true;
      }
    }
    return false;
  }
}
