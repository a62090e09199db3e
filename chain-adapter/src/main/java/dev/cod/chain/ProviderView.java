package dev.cod.chain;

import java.math.BigInteger;

/**
 * A provider record ({@code JobMarket.providers}). Stake in attoFIL; {@code locked} backs bids.
 *
 * @param minerId the Filecoin miner actor ID (N of fN)
 */
public record ProviderView(long minerId, boolean registered, BigInteger stake, BigInteger locked) {
  /** Stake not locked by a bid, in attoFIL. */
  public BigInteger free() {
    return stake.subtract(locked);
  }
}
