package dev.cod.filecoin.lotus;

/**
 * A storage deal as {@code Filecoin.StateMarketStorageDeal} returns it: its terms and its state.
 *
 * <p>Source: Lotus API v1 reference, {@code StateMarketStorageDeal}.
 *
 * @param proposal the deal's terms
 * @param state the deal's on-chain state
 */
public record MarketDeal(DealProposal proposal, DealState state) {
  /** @throws dev.cod.common.CodException INVALID_INPUT for a null part */
  public MarketDeal {
    Checks.notNull(proposal, "Proposal");
    Checks.notNull(state, "State");
  }

  /**
   * Whether the provider stores the data at {@code epoch}: the deal was activated at or before it,
   * was not slashed, and has not ended ({@code epoch < EndEpoch}).
   */
  public boolean isActiveAt(long epoch) {
    return state.isActivated() && state.sectorStartEpoch() <= epoch && !state.isSlashed()
        && epoch < proposal.endEpoch();
  }
}
