package dev.cod.chain;

import dev.cod.chain.TxStore.Attempt;
import dev.cod.chain.TxStore.State;
import dev.cod.chain.TxStore.StoredTx;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.common.RetriableCodException;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;

/**
 * The transaction manager of one account: signs and sends EIP-1559 transactions, never loses one
 * and never sends one twice. Use one instance per account ({@link ChainConnection#transactionManager}
 * keeps one per account); sends from many threads are safe.
 *
 * <ul>
 *   <li><b>Gas and fees from the node</b>, never from the generated wrapper's gas provider: the gas
 *       limit is {@code eth_estimateGas} + 25%; {@code maxPriorityFeePerGas} is
 *       {@code eth_maxPriorityFeePerGas} and {@code maxFeePerGas} = 2 × the latest block's base fee +
 *       the priority fee (EIP-1559; the base fee can rise 12.5% a block, so this covers several full
 *       blocks). Fees are in attoFIL per gas (= wei on FEVM). A call that would revert is not sent:
 *       the estimate's revert data is decoded to the contract's custom error and thrown as a
 *       {@link dev.cod.common.ContractRevertedException}.
 *   <li><b>Nonces assigned here and kept in H2</b> ({@link TxStore}): nonce = max(the node's
 *       pending count, one past the highest stored nonce still pending). The signed transaction is stored
 *       <em>before</em> it is broadcast. Stored nonces the node does not know (dropped from its
 *       mempool, or never delivered) are broadcast again before a new nonce is used, so the account
 *       never has a gap.
 *   <li><b>Replacement</b>: a transaction not mined within {@link TxConfig#replacementTimeout()} is
 *       replaced by the same call with the same nonce and both fees raised by more than 25%
 *       (Lotus's mpool requires 25%, {@code ReplaceByFeePercentageDefault = 125}; geth and Hardhat
 *       10%), or the fresh estimate if higher. A receipt is looked for under every hash of the nonce.
 *   <li><b>Confirmations</b>: a receipt is trusted once {@link TxConfig#confirmations()} blocks were
 *       mined on top of its block, and only if that block is still the chain's block at its height
 *       (a reorg is noticed and the transaction watched again).
 *   <li><b>Reverts</b>: a transaction that reverts when mined (the state changed after the
 *       estimate) is replayed with {@code eth_call} at its block to report the contract's custom error.
 *   <li><b>Never twice</b>: when the endpoint fails (after the {@link RetryPolicy} budget of
 *       {@link RetryingHttpService}) or a receipt does not come within
 *       {@link TxConfig#receiptTimeout()}, the caller gets a {@link RetriableCodException} and the
 *       transaction stays stored, unreported. The next identical call (same to, data, value) of this
 *       account, in this process or after a restart, adopts it: it is broadcast again (the same
 *       signed bytes, which the chain applies at most once) and waited for, rather than sent anew.
 * </ul>
 */
public class EstimatingTransactionManager extends RawTransactionManager {
  private static final Logger LOG = LoggerFactory.getLogger(EstimatingTransactionManager.class);
  /** Gas limit = estimate × (100 + headroom) / 100. */
  private static final int GAS_HEADROOM_PERCENT = 25;
  /** A replacement raises each fee to more than old × (100 + bump) / 100 (Lotus requires 25%). */
  static final int REPLACEMENT_BUMP_PERCENT = 25;
  /** Polls that must find a nonce used on chain with none of our hashes before it counts as taken. */
  private static final int DROPPED_AFTER_POLLS = 3;

  private final Web3j web3j;
  private final long chainId;
  private final RevertDecoder revertDecoder;
  private final String from;
  private final TxConfig config;
  private final TxStore store;
  private final Clock clock;
  private final RetryPolicy.Sleeper sleeper;
  private final Object nonceLock = new Object();
  /** Nonces a caller in this process is waiting for; the other unfinished ones are orphans. */
  private final Set<Long> awaited = ConcurrentHashMap.newKeySet();
  /** When a nonce that may be replaced no more was last broadcast again. */
  private final Map<Long, Instant> lastResent = new ConcurrentHashMap<>();

  /** A transaction handed to the endpoint: its nonce and the hash of its latest attempt. */
  public record Sent(long nonce, String hash) {}

  /**
   * @param clock the time of sends and replacement deadlines
   * @param sleeper waits between polls
   */
  public EstimatingTransactionManager(Web3j web3j, Credentials credentials, long chainId,
      RevertDecoder revertDecoder, TxConfig config, TxStore store, Clock clock, RetryPolicy.Sleeper sleeper) {
    super(web3j, credentials, chainId);
    this.web3j = web3j;
    this.chainId = chainId;
    this.revertDecoder = revertDecoder;
    this.from = credentials.getAddress();
    this.config = config;
    this.store = store;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** The account's 0x address. */
  public String account() {
    return from;
  }

  /**
   * Sends a call (or adopts the identical unreported one) and waits until it is mined and
   * confirmed, replacing it while it is stuck.
   *
   * @param to 0x address, or null/"" to create a contract
   * @param data 0x-prefixed call data (or init code)
   * @param value attoFIL to send along
   * @return the trusted receipt of a successful transaction
   * @throws dev.cod.common.ContractRevertedException if the call reverts (at estimate or when mined)
   * @throws RetriableCodException CHAIN_UNAVAILABLE if the endpoint fails past the retry budget, the
   *     receipt does not come in time, or the endpoint refuses the transaction (the message says which)
   */
  public TransactionReceipt execute(String to, String data, BigInteger value) {
    return await(submit(to, data, value));
  }

  /**
   * Sends a call without waiting for it: adopts the identical unreported transaction if there is
   * one, else estimates, takes the next nonce, stores and broadcasts.
   *
   * @throws dev.cod.common.ContractRevertedException if the call would revert (nothing is sent)
   * @throws RetriableCodException CHAIN_UNAVAILABLE as for {@link #execute}
   */
  public Sent submit(String to, String data, BigInteger value) {
    String target = to == null ? "" : to;
    String input = data == null || data.isEmpty() ? "0x" : data;
    BigInteger amount = value == null ? BigInteger.ZERO : value;
    synchronized (nonceLock) {
      for (StoredTx t : store.unfinished(from)) {
        if (t.sameCall(target, input, amount) && !awaited.contains(t.nonce())) {
          // read again: a waiter that just finished marked it reported before it stopped awaiting it
          Optional<StoredTx> orphan = store.get(from, t.nonce())
              .filter(o -> o.state() != State.DROPPED && (o.state() == State.PENDING || !o.reported()));
          if (orphan.isPresent()) {
            return adopt(orphan.get());
          }
        }
      }
      try {
        BigInteger gasLimit = estimateGas(target.isEmpty() ? null : target, input, amount);
        Fees fees = currentFees();
        long chainPending = transactionCount(DefaultBlockParameterName.PENDING);
        resendUnknownTo(chainPending);
        long nonce = Math.max(chainPending, store.nextAfterPending(from));
        Optional<StoredTx> forgotten = store.get(from, nonce);
        if (forgotten.isPresent()) {
          // finished here, yet the chain does not count it: a reorg deeper than the confirmations,
          // or a devnet reset. Should the old one come back and be mined, this one is reported
          // as not executed (nonce used elsewhere), never executed twice.
          LOG.warn("nonce {} of {} was {} as {} but the chain does not count it any more (reorg or reset); "
              + "reusing the nonce", nonce, from, forgotten.get().state(), forgotten.get().latest().hash());
          store.delete(from, nonce);
        }
        Attempt attempt = sign(nonce, target, input, amount, gasLimit, fees);
        store.insert(new StoredTx(from, nonce, target, input, amount, gasLimit, State.PENDING, false, List.of(attempt)));
        awaited.add(nonce);
        String refusal;
        try {
          refusal = broadcast(attempt);
        } catch (IOException e) {
          awaited.remove(nonce);
          throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "transaction " + attempt.hash() + " (nonce "
              + nonce + " of " + from + ") is stored but could not be handed to the chain endpoint: " + e.getMessage()
              + "; make the same call again to send this same transaction (it is never sent twice)", e);
        }
        if (refusal != null) {
          store.delete(from, nonce);
          awaited.remove(nonce);
          // e.g. insufficient funds for value + gas × maxFee, or the fee cap of the node: a later
          // attempt (after funding, or with new fees) may succeed
          throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "eth_sendRawTransaction refused the "
              + "transaction from " + from + " (nonce " + nonce + ", maxFeePerGas " + fees.maxFee()
              + " attoFIL, gas limit " + gasLimit + "): " + refusal);
        }
        LOG.debug("sent nonce {} of {}: {} (maxFeePerGas {}, maxPriorityFeePerGas {}, gas limit {})", nonce, from,
            attempt.hash(), fees.maxFee(), fees.priority(), gasLimit);
        return new Sent(nonce, attempt.hash());
      } catch (IOException e) {
        throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "preparing a transaction from " + from
            + " failed, nothing was sent: " + e.getMessage(), e);
      }
    }
  }

  private Sent adopt(StoredTx t) {
    awaited.add(t.nonce());
    LOG.info("adopting unreported transaction nonce {} of {} ({}, {} attempt(s)) instead of sending the same call again",
        t.nonce(), from, t.latest().hash(), t.attempts().size());
    if (t.state() == State.PENDING) {
      try {
        String refusal = broadcast(t.latest());
        if (refusal != null) {
          LOG.warn("re-sending nonce {} of {} was refused: {}; waiting for its receipt", t.nonce(), from, refusal);
        }
      } catch (IOException e) {
        awaited.remove(t.nonce());
        throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "transaction " + t.latest().hash() + " (nonce "
            + t.nonce() + " of " + from + ") is stored but could not be handed to the chain endpoint again: "
            + e.getMessage() + "; make the same call again later (it is never sent twice)", e);
      }
    }
    return new Sent(t.nonce(), t.latest().hash());
  }

  /** Broadcasts again the stored nonces at or above the node's pending count: it lost or never got them. */
  private void resendUnknownTo(long chainPending) throws IOException {
    for (StoredTx t : store.unfinished(from)) {
      if (t.state() == State.PENDING && t.nonce() >= chainPending) {
        String refusal = broadcast(t.latest());
        LOG.info("nonce {} of {} was unknown to the node; sent again ({}){}", t.nonce(), from, t.latest().hash(),
            refusal == null ? "" : ", refused: " + refusal);
      }
    }
  }

  /**
   * Waits for a sent transaction to be mined and confirmed, replacing it while it is stuck.
   *
   * @return the trusted receipt of a successful transaction
   * @throws dev.cod.common.ContractRevertedException if it reverted
   * @throws RetriableCodException CHAIN_UNAVAILABLE if the endpoint fails past the retry budget or the
   *     receipt does not come within the receipt timeout; the transaction stays stored and the same
   *     call adopts it
   */
  public TransactionReceipt await(Sent sent) {
    long nonce = sent.nonce();
    awaited.add(nonce);
    Instant deadline = clock.instant().plus(config.receiptTimeout());
    int usedElsewhere = 0;
    try {
      while (true) {
        StoredTx tx = store.get(from, nonce).orElseThrow(() -> new CodException(ErrorCode.INTERNAL,
            "nonce " + nonce + " of " + from + " is not in the transaction store"));
        Optional<TransactionReceipt> receipt = findReceipt(tx);
        if (receipt.isPresent()) {
          usedElsewhere = 0;
          if (isConfirmed(receipt.get())) {
            return report(tx, receipt.get());
          }
        } else {
          long mined = transactionCount(DefaultBlockParameterName.LATEST);
          if (mined > nonce) {
            // another transaction with this nonce was mined: ours, whose receipt we may not see yet,
            // or one this store does not know
            if (++usedElsewhere >= DROPPED_AFTER_POLLS) {
              store.finish(from, nonce, State.DROPPED, true);
              throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "nonce " + nonce + " of " + from
                  + " was used on chain by a transaction not sent through this store (another wallet or process "
                  + "using the account?); this call (" + tx.latest().hash() + ") was not executed: make it again");
            }
          } else {
            replaceIfStuck(tx);
            replaceStuckOrphans(mined, nonce);
          }
        }
        if (!clock.instant().isBefore(deadline)) {
          throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "transaction nonce " + nonce + " of " + from
              + " (" + hashes(tx) + ") was not mined and confirmed within " + config.receiptTimeout()
              + "; it stays stored: make the same call again to keep waiting for it (it is never sent twice)");
        }
        sleeper.sleep(config.pollInterval());
      }
    } catch (IOException e) {
      throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "waiting for transaction nonce " + nonce + " of "
          + from + " failed: " + e.getMessage() + "; it stays stored: make the same call again to keep waiting for "
          + "it (it is never sent twice)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "interrupted while waiting for transaction nonce "
          + nonce + " of " + from + "; it stays stored and the same call adopts it");
    } finally {
      awaited.remove(nonce);
    }
  }

  private TransactionReceipt report(StoredTx tx, TransactionReceipt receipt) {
    boolean ok = receipt.isStatusOK();
    store.finish(from, tx.nonce(), ok ? State.MINED : State.REVERTED, true);
    lastResent.remove(tx.nonce());
    if (tx.attempts().size() > 1) {
      LOG.info("nonce {} of {} mined as {} after {} attempt(s)", tx.nonce(), from, receipt.getTransactionHash(),
          tx.attempts().size());
    }
    if (ok) {
      return receipt;
    }
    throw explainFailure(tx.to().isEmpty() ? null : tx.to(), tx.data(), tx.value(), receipt.getBlockNumber());
  }

  /** The receipt of whichever attempt of the nonce was mined, newest attempt first. */
  private Optional<TransactionReceipt> findReceipt(StoredTx tx) throws IOException {
    List<Attempt> attempts = new ArrayList<>(tx.attempts());
    for (int i = attempts.size() - 1; i >= 0; i--) {
      Optional<TransactionReceipt> r =
          web3j.ethGetTransactionReceipt(attempts.get(i).hash()).send().getTransactionReceipt();
      if (r.isPresent() && r.get().getBlockHash() != null) {
        return r;
      }
    }
    return Optional.empty();
  }

  /** At least {@code confirmations} blocks on top of the receipt's block, which is still canonical. */
  private boolean isConfirmed(TransactionReceipt receipt) throws IOException {
    if (config.confirmations() == 0) {
      return true;
    }
    BigInteger block = receipt.getBlockNumber();
    long head = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
    if (head - block.longValueExact() < config.confirmations()) {
      return false;
    }
    EthBlock.Block canonical = web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(block), false).send().getBlock();
    boolean same = canonical != null && canonical.getHash().equalsIgnoreCase(receipt.getBlockHash());
    if (!same) {
      LOG.warn("block {} of transaction {} was reorganized away; watching the transaction again", block,
          receipt.getTransactionHash());
    }
    return same;
  }

  private void replaceIfStuck(StoredTx tx) throws IOException {
    Instant now = clock.instant();
    if (now.isBefore(tx.latest().sentAt().plus(config.replacementTimeout()))) {
      return;
    }
    synchronized (nonceLock) {
      // re-read: the state may have changed while this thread waited for the lock
      Optional<StoredTx> current = store.get(from, tx.nonce());
      if (current.isEmpty() || current.get().state() != State.PENDING) {
        return;
      }
      StoredTx t = current.get();
      if (now.isBefore(t.latest().sentAt().plus(config.replacementTimeout()))) {
        return;
      }
      if (t.attempts().size() - 1 >= config.maxReplacements()) {
        Instant last = lastResent.get(t.nonce());
        if (last == null || !now.isBefore(last.plus(config.replacementTimeout()))) {
          lastResent.put(t.nonce(), now);
          String refusal = broadcast(t.latest());
          LOG.warn("nonce {} of {} still not mined after {} replacements; sent {} again{}", t.nonce(), from,
              config.maxReplacements(), t.latest().hash(), refusal == null ? "" : ", refused: " + refusal);
        }
        return;
      }
      Attempt old = t.latest();
      Fees fresh = currentFees();
      BigInteger priority = bumped(old.maxPriorityFeePerGas()).max(fresh.priority());
      BigInteger maxFee = bumped(old.maxFeePerGas()).max(fresh.maxFee()).max(priority);
      Attempt replacement = sign(t.nonce(), t.to(), t.data(), t.value(), t.gasLimit(), new Fees(maxFee, priority));
      store.addAttempt(from, t.nonce(), replacement);
      String refusal = broadcast(replacement);
      if (refusal != null) {
        store.deleteAttempt(replacement.hash());
        LOG.warn("replacement of nonce {} of {} refused: {}; still waiting for {}", t.nonce(), from, refusal,
            old.hash());
        return;
      }
      LOG.info("nonce {} of {} not mined within {}: replaced {} by {} (maxFeePerGas {} -> {}, maxPriorityFeePerGas "
          + "{} -> {} attoFIL)", t.nonce(), from, config.replacementTimeout(), old.hash(), replacement.hash(),
          old.maxFeePerGas(), maxFee, old.maxPriorityFeePerGas(), priority);
    }
  }

  /** Orphans below {@code nonce} that nobody waits for hold it back: replace them too when stuck. */
  private void replaceStuckOrphans(long mined, long nonce) throws IOException {
    for (StoredTx t : store.unfinished(from)) {
      if (t.state() == State.PENDING && t.nonce() >= mined && t.nonce() < nonce && !awaited.contains(t.nonce())) {
        replaceIfStuck(t);
      }
    }
  }

  /** More than 25% more: floor(fee × 125 / 100) + 1, as Lotus's ComputeMinRBF. */
  /** The gas limit this manager sets for a transaction whose {@code eth_estimateGas} is {@code estimate}. */
  public static BigInteger gasLimit(BigInteger estimate) {
    return estimate.multiply(BigInteger.valueOf(100 + GAS_HEADROOM_PERCENT)).divide(BigInteger.valueOf(100));
  }

  static BigInteger bumped(BigInteger fee) {
    return fee.multiply(BigInteger.valueOf(100 + REPLACEMENT_BUMP_PERCENT)).divide(BigInteger.valueOf(100))
        .add(BigInteger.ONE);
  }

  /**
   * EIP-1559 fees, in attoFIL (= wei on FEVM) per gas unit.
   *
   * @param maxFee {@code maxFeePerGas}: 2 × the latest block's base fee + {@code priority}
   * @param priority {@code maxPriorityFeePerGas}, from {@code eth_maxPriorityFeePerGas}
   */
  public record Fees(BigInteger maxFee, BigInteger priority) {}

  private Fees currentFees() throws IOException {
    return currentFees(web3j);
  }

  /**
   * The fees this manager would sign a new transaction with now (also what a quote shows).
   *
   * @throws IOException if the endpoint fails
   * @throws CodException INTERNAL if the chain has no base fee (not an EIP-1559 chain)
   */
  public static Fees currentFees(Web3j web3j) throws IOException {
    BigInteger priority = web3j.ethMaxPriorityFeePerGas().send().getMaxPriorityFeePerGas();
    EthBlock.Block latest = web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock();
    if (latest == null || latest.getBaseFeePerGas() == null) {
      throw new CodException(ErrorCode.INTERNAL, "the chain's latest block has no baseFeePerGas: cod needs an "
          + "EIP-1559 chain (FEVM, Hardhat)");
    }
    return new Fees(latest.getBaseFeePerGas().shiftLeft(1).add(priority), priority);
  }

  private Attempt sign(long nonce, String to, String data, BigInteger value, BigInteger gasLimit, Fees fees) {
    RawTransaction tx = RawTransaction.createTransaction(chainId, BigInteger.valueOf(nonce), gasLimit, to, value,
        data, fees.priority(), fees.maxFee());
    String raw = sign(tx);
    return new Attempt(Hash.sha3(raw), raw, fees.maxFee(), fees.priority(), clock.instant());
  }

  /**
   * Hands signed bytes to the endpoint.
   *
   * @return null if the endpoint has the transaction (now or already: "already known", "nonce too
   *     low", which {@link #await} resolves by hash), else the endpoint's refusal
   */
  private String broadcast(Attempt attempt) throws IOException {
    EthSendTransaction sent = web3j.ethSendRawTransaction(attempt.raw()).send();
    if (!sent.hasError()) {
      return null;
    }
    String message = sent.getError().getMessage();
    if (isAlreadyIn(message)) {
      LOG.debug("{}: the endpoint answered \"{}\"; looking it up by hash", attempt.hash(), message);
      return null;
    }
    return message + " (JSON-RPC code " + sent.getError().getCode() + ")";
  }

  /**
   * Whether an {@code eth_sendRawTransaction} error means the transaction, or another with its
   * nonce, is in already: geth "already known", Hardhat "Known transaction", Lotus "already in
   * mpool" / "message with nonce already exists", and "nonce too low" (geth, Hardhat, Lotus).
   */
  static boolean isAlreadyIn(String message) {
    String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
    return m.contains("already known") || m.contains("known transaction") || m.contains("already in mpool")
        || m.contains("already exists") || m.contains("already imported") || m.contains("nonce too low");
  }

  private long transactionCount(DefaultBlockParameterName block) throws IOException {
    return web3j.ethGetTransactionCount(from, block).send().getTransactionCount().longValueExact();
  }

  private static String hashes(StoredTx tx) {
    return String.join(", ", tx.attempts().stream().map(Attempt::hash).toList());
  }

  // web3j's entry points: the generated wrappers and Transfer call these.

  @Override
  protected TransactionReceipt executeTransaction(BigInteger gasPrice, BigInteger gasLimit, String to, String data,
      BigInteger value, boolean constructor) {
    return execute(constructor ? null : to, data, value);
  }

  @Override
  protected TransactionReceipt executeTransactionEIP1559(long chainId, BigInteger maxPriorityFeePerGas,
      BigInteger maxFeePerGas, BigInteger gasLimit, String to, String data, BigInteger value, boolean constructor) {
    return execute(constructor ? null : to, data, value);
  }

  @Override
  public EthSendTransaction sendTransaction(BigInteger gasPrice, BigInteger gasLimit, String to, String data,
      BigInteger value, boolean constructor) {
    return asResponse(submit(constructor ? null : to, data, value));
  }

  @Override
  public EthSendTransaction sendEIP1559Transaction(long chainId, BigInteger maxPriorityFeePerGas,
      BigInteger maxFeePerGas, BigInteger gasLimit, String to, String data, BigInteger value, boolean constructor) {
    return asResponse(submit(constructor ? null : to, data, value));
  }

  private static EthSendTransaction asResponse(Sent sent) {
    EthSendTransaction response = new EthSendTransaction();
    response.setResult(sent.hash());
    return response;
  }

  /** {@code eth_estimateGas} for a call from this account, with headroom; throws the decoded revert. */
  BigInteger estimateGas(String to, String data, BigInteger value) throws IOException {
    Transaction tx = Transaction.createFunctionCallTransaction(from, null, null, null, to, value, data);
    EthEstimateGas estimate = web3j.ethEstimateGas(tx).send();
    if (estimate.hasError()) {
      throw rpcError("eth_estimateGas", estimate.getError());
    }
    return gasLimit(estimate.getAmountUsed());
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
