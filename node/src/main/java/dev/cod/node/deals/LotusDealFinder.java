package dev.cod.node.deals;

import dev.cod.cid.Cid;
import dev.cod.cid.PieceCommitment;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.filecoin.FilecoinAddress;
import dev.cod.filecoin.FilecoinCid;
import dev.cod.filecoin.lotus.DealProposal;
import dev.cod.filecoin.lotus.LotusClient;
import dev.cod.filecoin.lotus.LotusRpcException;
import dev.cod.filecoin.lotus.MarketDeal;
import dev.cod.filecoin.lotus.TipSetKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Finds the deal for a piece among the storage deals this SP says it holds (the node config's
 * {@code deals}: in production, the deal IDs its Boost lists), asking Lotus about each at the
 * chain head with {@code Filecoin.StateMarketStorageDeal}. A deal qualifies when its proposal's
 * {@code PieceCID} is the piece, its {@code Provider} is this SP's miner actor, it was activated
 * ({@code State.SectorStartEpoch} set, at or before the head), it was not slashed ({@code
 * State.SlashEpoch} -1), and the head is within its term: {@code StartEpoch <= head < EndEpoch}.
 * These are the checks the market's on-chain {@code FvmDealOracle} makes through MarketAPI, so a
 * bid with the deal found here is not refused for the deal (barring a change in between).
 *
 * <p>Source: Lotus API v1 reference, {@code StateMarketStorageDeal}; the built-in market actor's
 * {@code DealProposal} and {@code DealState}.
 */
public final class LotusDealFinder implements DealFinder {
  private final LotusClient lotus;
  private final long minerId;
  private final Supplier<List<Long>> dealIds;

  /**
   * @param lotus the SP's Lotus node
   * @param minerId this SP's miner actor ID (the N of f0N)
   * @param dealIds the deal IDs this SP holds, in the order they are tried; asked at each lookup
   */
  public LotusDealFinder(LotusClient lotus, long minerId, Supplier<List<Long>> dealIds) {
    this.lotus = Objects.requireNonNull(lotus, "lotus");
    this.minerId = minerId;
    this.dealIds = Objects.requireNonNull(dealIds, "dealIds");
  }

  @Override
  public DealLookup find(Cid pieceCid) {
    FilecoinCid wanted = FilecoinCid.of(v1(pieceCid));
    List<Long> deals = dealIds.get();
    if (deals.isEmpty()) {
      return DealLookup.none("this node's config lists no storage deals (deals: [...])");
    }
    long head = lotus.chainHead().height();
    List<String> refused = new ArrayList<>();
    int otherPieces = 0;
    for (long dealId : deals) {
      MarketDeal deal;
      try {
        deal = lotus.stateMarketStorageDeal(dealId, TipSetKey.EMPTY);
      } catch (LotusRpcException e) {
        refused.add("deal " + dealId + ": " + e.lotusMessage());
        continue;
      }
      DealProposal p = deal.proposal();
      if (!p.pieceCid().equals(wanted)) {
        otherPieces++;
        continue;
      }
      String why = refusal(deal, head);
      if (why == null) {
        return DealLookup.found(dealId, "deal " + dealId + " of f0" + minerId + " holds piece " + pieceCid
            + " (epochs " + p.startEpoch() + ".." + p.endEpoch() + ", head " + head + ")");
      }
      refused.add("deal " + dealId + " " + why);
    }
    return DealLookup.none("no active deal of f0" + minerId + " for piece " + pieceCid + " at epoch " + head
        + " among " + deals.size() + " configured deal(s)" + (otherPieces > 0 ? ", " + otherPieces + " for other pieces" : "")
        + (refused.isEmpty() ? "" : ": " + String.join("; ", refused)));
  }

  /** Why {@code deal} (for the right piece) does not qualify at {@code head}, or null if it does. */
  private String refusal(MarketDeal deal, long head) {
    DealProposal p = deal.proposal();
    FilecoinAddress provider = p.provider();
    if (provider.protocol() != FilecoinAddress.Protocol.ID || provider.actorId() != minerId) {
      return "is stored by " + provider + ", not f0" + minerId;
    }
    if (!deal.state().isActivated() || deal.state().sectorStartEpoch() > head) {
      return "is not activated";
    }
    if (deal.state().isSlashed()) {
      return "was terminated at epoch " + deal.state().slashEpoch();
    }
    if (head < p.startEpoch()) {
      return "starts at epoch " + p.startEpoch();
    }
    if (head >= p.endEpoch()) {
      return "ended at epoch " + p.endEpoch();
    }
    return null;
  }

  /** The v1 form (baga6ea4sea…) Lotus gives a deal's piece CID, of a v1 or v2 piece CID. */
  private static Cid v1(Cid pieceCid) {
    if (!PieceCommitment.isPieceCid(pieceCid)) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected a piece CID, found " + pieceCid);
    }
    return pieceCid.codec() == Cid.FIL_COMMITMENT_UNSEALED ? pieceCid : PieceCommitment.fromCidV2(pieceCid).toCidV1();
  }
}
