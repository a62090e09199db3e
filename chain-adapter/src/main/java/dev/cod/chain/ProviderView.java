package dev.cod.chain;

import java.math.BigInteger;

/**
 * A provider record ({@code JobMarket.providers} and {@code minerIdOf}). The balance is stake
 * plus earnings, in attoFIL; {@code locked} backs bids.
 *
 * @param id the provider id (0: not registered)
 * @param minerId the Filecoin miner actor ID (N of fN)
 */
public record ProviderView(long id, long minerId, BigInteger balance, BigInteger locked) {
  public boolean registered() {
    return id != 0;
  }

  /** Balance not locked by a bid, in attoFIL: what {@code withdrawStake} can take. */
  public BigInteger free() {
    return balance.subtract(locked);
  }
}
