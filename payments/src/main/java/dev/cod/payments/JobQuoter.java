package dev.cod.payments;

import dev.cod.chain.ChainConnection;
import dev.cod.chain.EstimatingTransactionManager;
import dev.cod.chain.JobTerms;
import dev.cod.chain.RevertDecoder;
import dev.cod.chain.contracts.JobMarket;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.common.RetriableCodException;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * Prices a job before it is posted: escrow and stake from its terms, gas from the node ({@code
 * eth_estimateGas} of the very {@code postJob} call with the escrow as value, from the client's
 * account; the fee cap as the transaction manager computes it: 2 × the latest block's base fee +
 * {@code eth_maxPriorityFeePerGas}). Nothing is sent.
 *
 * <p>The spec CID is not known before the spec is published, so the estimate uses a stand-in CID
 * of 36 non-zero bytes (a CIDv1 with a sha2-256 digest is 36 bytes): calldata and log bytes cost
 * most when non-zero, so this is an upper bound of the real call's gas.
 */
public final class JobQuoter {
  private static final byte[] STAND_IN_SPEC_CID = standInCid();

  private final ChainConnection chain;
  private final String market;

  public JobQuoter(ChainConnection chain, String market) {
    this.chain = chain;
    this.market = market;
  }

  /**
   * Quotes {@code terms} for the client account {@code from}.
   *
   * @throws dev.cod.common.ContractRevertedException when the market would refuse the job (named error)
   * @throws RetriableCodException CHAIN_UNAVAILABLE when the node does not answer
   */
  public JobQuote quote(String from, JobTerms terms) {
    Web3j web3j = chain.web3j();
    FilAmount escrow = FilAmount.ofAtto(terms.escrow());
    try {
      JobMarket wrapper = JobMarket.load(market, web3j, new ReadonlyTransactionManager(web3j, from), new DefaultGasProvider());
      FilAmount balance = FilAmount.ofAtto(web3j.ethGetBalance(from, DefaultBlockParameterName.LATEST).send().getBalance());
      FilAmount credits = FilAmount.ofAtto(wrapper.credits(from).send());
      byte[] spec = terms.specCid().length >= STAND_IN_SPEC_CID.length ? terms.specCid() : STAND_IN_SPEC_CID;
      String data = wrapper.postJob(spec, terms.inputPieceCid(), BigInteger.valueOf(terms.replicas()),
          BigInteger.valueOf(terms.quorum()), terms.maxPrice(), terms.stakePerReplica(),
          BigInteger.valueOf(terms.bidWindowSeconds()), BigInteger.valueOf(terms.executionWindowSeconds()),
          BigInteger.valueOf(terms.revealWindowSeconds()), terms.escrow()).encodeFunctionCall();
      // the fees and gas limit the transaction manager will use (EstimatingTransactionManager)
      BigInteger maxFee = EstimatingTransactionManager.currentFees(web3j).maxFee();
      Optional<BigInteger> estimate = Optional.empty();
      BigInteger limit = BigInteger.ZERO;
      if (balance.compareTo(escrow) >= 0) {
        EthEstimateGas est = web3j.ethEstimateGas(
            Transaction.createFunctionCallTransaction(from, null, null, null, market, terms.escrow(), data)).send();
        if (est.hasError()) {
          throw RevertDecoder.extractRevertData(est.getError().getData(), est.getError().getMessage())
              .<CodException>map(d -> RevertDecoder.forJobMarket().decode("postJob (quote)", d))
              .orElseGet(() -> new CodException(ErrorCode.CONTRACT_REVERTED, "the node cannot estimate postJob: "
                  + est.getError().getMessage()));
        }
        estimate = Optional.of(est.getAmountUsed());
        limit = EstimatingTransactionManager.gasLimit(est.getAmountUsed());
      }
      return new JobQuote(terms.replicas(), FilAmount.ofAtto(terms.maxPrice()), escrow,
          FilAmount.ofAtto(terms.stakePerReplica()), estimate, limit, maxFee, balance, credits);
    } catch (IOException e) {
      throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "quoting the job: chain endpoint " + chain.rpcUrl()
          + " failed: " + e.getMessage(), e);
    } catch (CodException e) {
      throw e;
    } catch (Exception e) {
      throw new CodException(ErrorCode.INTERNAL, "quoting the job failed: " + e, e);
    }
  }

  private static byte[] standInCid() {
    byte[] cid = new byte[36];
    Arrays.fill(cid, (byte) 0xff);
    cid[0] = 0x01;
    cid[1] = 0x55;
    cid[2] = 0x12;
    cid[3] = 0x20;
    return cid;
  }
}
