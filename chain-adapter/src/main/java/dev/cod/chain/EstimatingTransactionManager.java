package dev.cod.chain;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.common.RetriableCodException;
import java.io.IOException;
import java.math.BigInteger;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.tx.RawTransactionManager;

/**
 * Signs and sends EIP-1559 transactions for one account, with the gas limit and fees taken from
 * the node ({@code eth_estimateGas}, {@code eth_maxPriorityFeePerGas}, the latest block's base
 * fee), never from the generated wrapper's gas provider. A transaction that would revert is not
 * sent: the estimate's revert data is decoded to the contract's custom error and thrown as a
 * {@link dev.cod.common.ContractRevertedException}. View calls that revert are decoded the same way.
 *
 * <p>Sends from one instance are serialized, so the pending nonce read from the node is never
 * used twice. (Replacement of stuck transactions and a persistent nonce store come with the
 * transaction manager of issue 6.)
 */
public class EstimatingTransactionManager extends RawTransactionManager {
  /** Gas limit = estimate × (100 + headroom) / 100. */
  private static final int GAS_HEADROOM_PERCENT = 25;

  private final Web3j web3j;
  private final long chainId;
  private final RevertDecoder revertDecoder;
  private final String from;

  /**
   * @param receiptPollMillis how often to poll for a receipt, in milliseconds
   * @param receiptAttempts how many polls before giving up
   */
  public EstimatingTransactionManager(
      Web3j web3j, Credentials credentials, long chainId, RevertDecoder revertDecoder,
      long receiptPollMillis, int receiptAttempts) {
    super(web3j, credentials, chainId, receiptAttempts, receiptPollMillis);
    this.web3j = web3j;
    this.chainId = chainId;
    this.revertDecoder = revertDecoder;
    this.from = credentials.getAddress();
  }

  @Override
  public EthSendTransaction sendTransaction(
      BigInteger gasPrice, BigInteger gasLimit, String to, String data, BigInteger value,
      boolean constructor) throws IOException {
    return sendEstimated(to, data, value);
  }

  @Override
  public EthSendTransaction sendEIP1559Transaction(
      long chainId, BigInteger maxPriorityFeePerGas, BigInteger maxFeePerGas, BigInteger gasLimit,
      String to, String data, BigInteger value, boolean constructor) throws IOException {
    return sendEstimated(to, data, value);
  }

  private synchronized EthSendTransaction sendEstimated(String to, String data, BigInteger value)
      throws IOException {
    BigInteger gasLimit = estimateGas(to, data, value);
    BigInteger priorityFee = web3j.ethMaxPriorityFeePerGas().send().getMaxPriorityFeePerGas();
    BigInteger baseFee =
        web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock().getBaseFeePerGas();
    BigInteger maxFee = baseFee.shiftLeft(1).add(priorityFee);
    EthSendTransaction sent =
        super.sendEIP1559Transaction(chainId, priorityFee, maxFee, gasLimit, to, data, value, to == null);
    if (sent.hasError()) {
      // e.g. the state changed between estimate and send (out of gas), or a nonce race: a fresh
      // estimate may succeed, so the caller may retry.
      throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "eth_sendRawTransaction refused the transaction: "
          + sent.getError().getMessage() + " (JSON-RPC code " + sent.getError().getCode() + ")");
    }
    return sent;
  }

  /** {@code eth_estimateGas} for a call from this account, with headroom; throws the decoded revert. */
  BigInteger estimateGas(String to, String data, BigInteger value) throws IOException {
    Transaction tx = Transaction.createFunctionCallTransaction(from, null, null, null, to, value, data);
    EthEstimateGas estimate = web3j.ethEstimateGas(tx).send();
    if (estimate.hasError()) {
      throw rpcError("eth_estimateGas", estimate.getError());
    }
    BigInteger gas = estimate.getAmountUsed();
    return gas.multiply(BigInteger.valueOf(100 + GAS_HEADROOM_PERCENT)).divide(BigInteger.valueOf(100));
  }

  @Override
  public String sendCall(String to, String data, DefaultBlockParameter defaultBlockParameter)
      throws IOException {
    EthCall call =
        web3j.ethCall(Transaction.createEthCallTransaction(from, to, data), defaultBlockParameter).send();
    if (call.hasError()) {
      throw rpcError("eth_call", call.getError());
    }
    return call.getValue();
  }

  /**
   * Replays a mined transaction that failed as an {@code eth_call} at its block, to recover the
   * revert data that receipts do not carry.
   */
  public CodException explainFailure(String to, String data, BigInteger value, BigInteger blockNumber) {
    try {
      Transaction tx = Transaction.createFunctionCallTransaction(from, null, null, null, to, value, data);
      EthCall call = web3j.ethCall(tx, DefaultBlockParameter.valueOf(blockNumber)).send();
      if (call.hasError()) {
        return rpcError("transaction", call.getError());
      }
    } catch (IOException e) {
      return new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "cannot replay failed transaction: " + e.getMessage(), e);
    }
    // No revert data: most likely out of gas because the state changed after the estimate.
    return new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE,
        "transaction to " + to + " failed on chain without revert data (out of gas?); a new estimate may succeed");
  }

  private CodException rpcError(String method, Response.Error error) {
    return RevertDecoder.extractRevertData(error.getData(), error.getMessage())
        .<CodException>map(d -> revertDecoder.decode(method, d))
        .orElseGet(() -> new CodException(ErrorCode.CONTRACT_REVERTED,
            method + " failed: " + error.getMessage() + " (JSON-RPC code " + error.getCode() + ")"));
  }
}
