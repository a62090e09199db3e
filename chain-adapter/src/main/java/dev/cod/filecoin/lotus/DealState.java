package dev.cod.filecoin.lotus;

/**
 * The on-chain state of a storage deal ({@code MarketDeal.State}). Lotus writes -1 for an epoch
 * that has not happened: a published deal not yet in a proven sector has {@code
 * SectorStartEpoch} -1; a deal never slashed has {@code SlashEpoch} -1.
 *
 * <p>Source: Lotus API v1 reference, {@code StateMarketStorageDeal}. {@code SectorNumber} is
 * reported by Lotus since network version 22 (the direct data onboarding upgrade); older
 * responses lack it and it reads as {@link #UNKNOWN_SECTOR}.
 *
 * @param sectorNumber the sector holding the deal, or {@link #UNKNOWN_SECTOR}
 * @param sectorStartEpoch the epoch the deal was activated in a sector, or -1
 * @param lastUpdatedEpoch the epoch of the last payment, or -1
 * @param slashEpoch the epoch the deal was slashed, or -1
 */
public record DealState(
    long sectorNumber, long sectorStartEpoch, long lastUpdatedEpoch, long slashEpoch) {
  /** {@link #sectorNumber()} when Lotus did not report it. */
  public static final long UNKNOWN_SECTOR = -1;
  /** The state of a deal that is published but not activated, as Lotus returns it. */
  public static final DealState NOT_ACTIVATED = new DealState(UNKNOWN_SECTOR, -1, -1, -1);

  /** @throws dev.cod.common.CodException INVALID_INPUT for a value below -1 */
  public DealState {
    Checks.atLeast(sectorNumber, -1, "State.SectorNumber");
    Checks.atLeast(sectorStartEpoch, -1, "State.SectorStartEpoch");
    Checks.atLeast(lastUpdatedEpoch, -1, "State.LastUpdatedEpoch");
    Checks.atLeast(slashEpoch, -1, "State.SlashEpoch");
  }

  /** Whether the deal has been activated in a proven sector. */
  public boolean isActivated() {
    return sectorStartEpoch >= 0;
  }

  /** Whether the deal has been slashed (its sector terminated early). */
  public boolean isSlashed() {
    return slashEpoch >= 0;
  }
}
