package dev.cod.node.deals;

import java.util.Objects;

/**
 * What a {@link DealFinder} found for a piece: the active storage deal of this provider's miner
 * that holds it, or why there is none.
 *
 * @param found whether an active deal was found
 * @param dealId the deal ID (the market's {@code bid(..., dealId, ...)} argument); meaningful only
 *     when {@code found}
 * @param reason a one-line explanation for the log: which deal, or why none qualified
 */
public record DealLookup(boolean found, long dealId, String reason) {
  public DealLookup {
    Objects.requireNonNull(reason, "reason");
    if (found && dealId < 0) {
      throw new IllegalArgumentException("a found deal needs a deal ID >= 0, got " + dealId);
    }
  }

  /** An active deal. */
  public static DealLookup found(long dealId, String reason) {
    return new DealLookup(true, dealId, reason);
  }

  /** No active deal, and why. */
  public static DealLookup none(String reason) {
    return new DealLookup(false, -1, reason);
  }
}
