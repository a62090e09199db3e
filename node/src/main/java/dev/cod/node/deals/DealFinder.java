package dev.cod.node.deals;

import dev.cod.cid.Cid;

/**
 * The bid strategy's data-locality question: does this provider's miner hold an active storage
 * deal for a job's input piece, and which one? A provider bids on a piece job only with such a
 * deal, and the market checks it again on chain ({@code IDealOracle}).
 */
public interface DealFinder {
  /**
   * @param pieceCid the job's input piece CID (v1 {@code baga6ea4sea…} or v2 {@code bafkzcib…})
   * @return the deal, or why there is none; never null
   * @throws dev.cod.common.RetriableCodException when the chain cannot be asked now
   */
  DealLookup find(Cid pieceCid);
}
