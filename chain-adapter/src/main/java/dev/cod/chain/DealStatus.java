package dev.cod.chain;

/**
 * What a deal oracle says of a deal named by a bid ({@code IDealOracle.DealStatus}, in its ABI
 * order): {@link #ACTIVE}, or the first check that failed. {@code JobMarketDealRejected} carries
 * it as its third argument. The terms are the storage market actor's (Filecoin spec, "Storage
 * Market"; builtin-actors {@code actors/market}).
 */
public enum DealStatus {
  /** Every check passed: the deal holds the piece for the miner, and the current epoch is in its term. */
  ACTIVE,
  /** No deal has this ID (the market actor answers USR_NOT_FOUND). */
  UNKNOWN,
  /** The market actor no longer holds the deal: it ended or was terminated and was cleaned up (EX_DEAL_EXPIRED). */
  EXPIRED,
  /** The deal's piece CID is not the job's. */
  WRONG_PIECE,
  /** Another miner stores the deal. */
  WRONG_PROVIDER,
  /** The deal was published but its sector was never proven. */
  NOT_ACTIVATED,
  /** The deal was terminated early (slashed). */
  TERMINATED,
  /** The current epoch is before the deal's start epoch. */
  NOT_STARTED,
  /** The current epoch is at or after the deal's end epoch. */
  ENDED;

  /**
   * The status with this ABI value.
   *
   * @throws IllegalArgumentException for a value outside the enum
   */
  public static DealStatus of(int value) {
    DealStatus[] all = values();
    if (value < 0 || value >= all.length) {
      throw new IllegalArgumentException("no DealStatus " + value + " (0.." + (all.length - 1) + ")");
    }
    return all[value];
  }
}
