package dev.cod.chain;

import java.math.BigInteger;
import java.util.List;

/**
 * A typed client of the {@code JobMarket} contract for one account. Amounts are attoFIL, job ids
 * are the contract's sequential ids (from 1). Every transaction is estimated first: a call the
 * contract would reject throws {@link dev.cod.common.ContractRevertedException} naming the custom
 * error, and nothing is sent. Transport failures throw {@link dev.cod.common.RetriableCodException}
 * with {@link dev.cod.common.ErrorCode#CHAIN_UNAVAILABLE}.
 */
public interface MarketContract {
  /** The market's 0x address. */
  String address();

  /** The 0x address of the account this client sends from. */
  String account();

  /** The EIP-155 chain id. */
  long chainId();

  /**
   * Registers this account as a provider bound to a Filecoin miner actor ID, which it must control
   * (owner, worker or control address, as the market's miner oracle says): else
   * {@code JobMarketNotMinerController}.
   */
  TxResult register(long minerId);

  /** Adds attoFIL to this provider's balance. */
  TxResult stake(BigInteger attoFil);

  /** Takes attoFIL of free balance (stake and earnings not locked by a bid) back. */
  TxResult withdrawStake(BigInteger attoFil);

  /**
   * Posts a job with {@link JobTerms#escrow()} attoFIL, naming its input piece if
   * {@link JobTerms#hasInputPiece()}; returns the id from the JobPosted event.
   */
  PostedJob postJob(JobTerms terms);

  /**
   * Bids on an open job. Fast path: {@code price} 0 (the job pays maxPrice) and the provider's
   * {@code commitment} to its result (zero only for a single-replica job). Auction: a price of at
   * most maxPrice and a zero commitment.
   *
   * @param dealId the storage market deal ID holding the job's input piece, which the market's deal
   *     oracle must find active for that piece and this provider's miner (else
   *     {@code JobMarketDealRequired} for 0, {@code JobMarketDealRejected} with the failed check);
   *     unchecked on a job without an input piece (send 0)
   * @return the bid's index (needed to commit and reveal) and the transaction
   */
  PlacedBid bid(long jobId, BigInteger price, long dealId, byte[] commitment);

  /** Closes an auction after its bid window: the cheapest bids win. */
  TxResult assign(long jobId);

  TxResult cancel(long jobId);

  /** An assigned auction provider commits to its result. */
  TxResult commit(long jobId, int index, byte[] commitment);

  /** Reveals the result CID (binary) and salt behind the commitment of bid {@code index}. */
  TxResult reveal(long jobId, int index, byte[] resultCid, byte[] salt);

  /** Calls {@code finalize(jobId)}: settles a job whose deadline passed. */
  TxResult finalizeJob(long jobId);

  /** Withdraws every credit (refunds) of this account. */
  TxResult withdraw();

  JobView job(long jobId);

  /** The bids of a job not settled yet (settlement clears them). */
  List<BidView> bids(long jobId);

  ProviderView provider(String account);

  /** Withdrawable attoFIL of an account (client and failure refunds). */
  BigInteger credits(String account);

  /** The commitment this account posts for a result, computed locally (see {@link Commitments}). */
  default byte[] commitmentFor(long jobId, byte[] resultCid, byte[] salt) {
    return Commitments.of(chainId(), address(), jobId, account(), resultCid, salt);
  }
}
