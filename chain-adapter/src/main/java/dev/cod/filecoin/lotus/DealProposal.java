package dev.cod.filecoin.lotus;

import dev.cod.filecoin.FilecoinAddress;
import dev.cod.filecoin.FilecoinCid;
import java.math.BigInteger;

/**
 * The terms of a storage deal as the market actor holds them ({@code MarketDeal.Proposal}).
 *
 * <p>Source: Lotus API v1 reference, {@code StateMarketStorageDeal}; field meanings from
 * go-state-types {@code builtin/v9/market.DealProposal}.
 *
 * @param pieceCid the piece CID (commP) of the deal's data
 * @param pieceSize the padded piece size, in bytes (> 0)
 * @param verifiedDeal whether the deal used DataCap (FIL+)
 * @param client the client's address (Lotus gives the f0 ID)
 * @param provider the storage provider's miner actor (Lotus gives the f0 ID)
 * @param label the client's label (often the payload CID)
 * @param startEpoch the epoch by which the data must be sealed (>= 0)
 * @param endEpoch the epoch the deal ends (>= startEpoch)
 * @param storagePricePerEpoch attoFIL paid per epoch (>= 0)
 * @param providerCollateral attoFIL the provider locked (>= 0)
 * @param clientCollateral attoFIL the client locked (>= 0)
 */
public record DealProposal(
    FilecoinCid pieceCid,
    long pieceSize,
    boolean verifiedDeal,
    FilecoinAddress client,
    FilecoinAddress provider,
    String label,
    long startEpoch,
    long endEpoch,
    BigInteger storagePricePerEpoch,
    BigInteger providerCollateral,
    BigInteger clientCollateral) {

  /** @throws dev.cod.common.CodException INVALID_INPUT naming the first field out of range */
  public DealProposal {
    Checks.notNull(pieceCid, "Proposal.PieceCID");
    Checks.atLeast(pieceSize, 1, "Proposal.PieceSize");
    Checks.notNull(client, "Proposal.Client");
    Checks.notNull(provider, "Proposal.Provider");
    Checks.notNull(label, "Proposal.Label");
    Checks.atLeast(startEpoch, 0, "Proposal.StartEpoch");
    Checks.atLeast(endEpoch, startEpoch, "Proposal.EndEpoch");
    Checks.nonNegative(storagePricePerEpoch, "Proposal.StoragePricePerEpoch");
    Checks.nonNegative(providerCollateral, "Proposal.ProviderCollateral");
    Checks.nonNegative(clientCollateral, "Proposal.ClientCollateral");
  }
}
