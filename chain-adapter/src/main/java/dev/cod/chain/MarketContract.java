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

  TxResult register(long minerId);

  TxResult stake(BigInteger attoFil);

  TxResult withdrawStake(BigInteger attoFil);

  /** Posts a job with {@link JobTerms#escrow()} attoFIL; returns the id from the JobPosted event. */
  PostedJob postJob(JobTerms terms);

  TxResult bid(long jobId, BigInteger price, long dealId);

  TxResult assign(long jobId);

  TxResult cancel(long jobId);

  TxResult commit(long jobId, byte[] commitment);

  TxResult reveal(long jobId, byte[] resultCid, byte[] salt);

  /** Calls {@code finalize(jobId)}: settles a job whose deadline passed. */
  TxResult finalizeJob(long jobId);

  TxResult withdraw();

  JobView job(long jobId);

  List<BidView> bids(long jobId);

  ProviderView provider(String account);

  /** Withdrawable attoFIL of an account. */
  BigInteger credits(String account);

  /** The commitment this account posts for a result, computed locally (see {@link Commitments}). */
  default byte[] commitmentFor(long jobId, byte[] resultCid, byte[] salt) {
    return Commitments.of(chainId(), address(), jobId, account(), resultCid, salt);
  }
}
