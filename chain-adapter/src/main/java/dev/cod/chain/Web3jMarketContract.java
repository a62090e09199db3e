package dev.cod.chain;

import dev.cod.chain.contracts.JobMarket;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.common.RetriableCodException;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.RemoteCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.tx.gas.StaticGasProvider;

/**
 * {@link MarketContract} over the web3j wrapper generated from the Hardhat artifact (never
 * edited by hand: see chain-adapter/pom.xml). Gas and fees come from {@link EstimatingTransactionManager}.
 */
final class Web3jMarketContract implements MarketContract {
  private static final Logger LOG = LoggerFactory.getLogger(Web3jMarketContract.class);
  /**
   * The wrapper insists on a gas provider; its values are placeholders that
   * {@link EstimatingTransactionManager} replaces by estimates on every send.
   */
  private static final StaticGasProvider REPLACED_BY_ESTIMATES =
      new StaticGasProvider(BigInteger.ZERO, BigInteger.ZERO);

  private final ChainConnection chain;
  private final EstimatingTransactionManager txManager;
  private final JobMarket market;
  private final String account;

  Web3jMarketContract(ChainConnection chain, String address, Credentials credentials) {
    this.chain = chain;
    this.txManager = chain.transactionManager(credentials);
    this.market = JobMarket.load(address, chain.web3j(), txManager, REPLACED_BY_ESTIMATES);
    this.account = credentials.getAddress();
  }

  static ChainConnection.Deployment deploy(ChainConnection chain, Credentials credentials, String dealOracle,
      String minerOracle) {
    EstimatingTransactionManager tm = chain.transactionManager(credentials);
    JobMarket deployed = callStatic("deploy",
        () -> JobMarket.deploy(chain.web3j(), tm, REPLACED_BY_ESTIMATES, dealOracle, minerOracle).send());
    TransactionReceipt receipt = deployed.getTransactionReceipt().orElseThrow();
    TxResult tx = toResult("deploy", receipt);
    LOG.info("JobMarket deployed at {} in block {} (deal oracle {}, miner oracle {}), gas used {}",
        deployed.getContractAddress(), tx.blockNumber(), dealOracle, minerOracle, tx.gasUsed());
    return new ChainConnection.Deployment(deployed.getContractAddress(), tx.blockNumber(), tx);
  }

  @Override
  public String address() {
    return market.getContractAddress();
  }

  @Override
  public String account() {
    return account;
  }

  @Override
  public long chainId() {
    return chain.chainId();
  }

  @Override
  public TxResult register(long minerId) {
    return send("register", market.register(BigInteger.valueOf(minerId)));
  }

  @Override
  public TxResult stake(BigInteger attoFil) {
    return send("stake", market.stake(attoFil));
  }

  @Override
  public TxResult withdrawStake(BigInteger attoFil) {
    return send("withdrawStake", market.withdrawStake(attoFil));
  }

  @Override
  public PostedJob postJob(JobTerms t) {
    TransactionReceipt receipt = call("postJob", () -> market.postJob(t.specCid(), t.inputPieceCid(),
        BigInteger.valueOf(t.replicas()), BigInteger.valueOf(t.quorum()), t.maxPrice(),
        t.stakePerReplica(), BigInteger.valueOf(t.bidWindowSeconds()),
        BigInteger.valueOf(t.executionWindowSeconds()), BigInteger.valueOf(t.revealWindowSeconds()),
        t.escrow()).send());
    TxResult tx = logged(toResult("postJob", receipt));
    long jobId = receipt.getLogs().stream()
        .map(MarketEvent::decode)
        .flatMap(Optional::stream)
        .filter(e -> e instanceof MarketEvent.JobPosted)
        .map(e -> ((MarketEvent.JobPosted) e).jobId())
        .findFirst()
        .orElseThrow(() -> new CodException(ErrorCode.INTERNAL,
            "postJob receipt " + receipt.getTransactionHash() + " has no JobPosted event"));
    return new PostedJob(jobId, tx);
  }

  @Override
  public PlacedBid bid(long jobId, BigInteger price, long dealId, byte[] commitment) {
    TransactionReceipt receipt = call("bid", () -> market.bid(BigInteger.valueOf(jobId), price,
        BigInteger.valueOf(dealId), commitment).send());
    TxResult tx = logged(toResult("bid", receipt));
    int index = receipt.getLogs().stream()
        .map(MarketEvent::decode)
        .flatMap(Optional::stream)
        .filter(e -> e instanceof MarketEvent.BidPlaced)
        .map(e -> ((MarketEvent.BidPlaced) e).index())
        .findFirst()
        .orElseThrow(() -> new CodException(ErrorCode.INTERNAL,
            "bid receipt " + receipt.getTransactionHash() + " has no BidPlaced event"));
    return new PlacedBid(index, tx);
  }

  @Override
  public TxResult assign(long jobId) {
    return send("assign", market.assign(BigInteger.valueOf(jobId)));
  }

  @Override
  public TxResult cancel(long jobId) {
    return send("cancel", market.cancel(BigInteger.valueOf(jobId)));
  }

  @Override
  public TxResult commit(long jobId, int index, byte[] commitment) {
    return send("commit", market.commit(BigInteger.valueOf(jobId), BigInteger.valueOf(index), commitment));
  }

  @Override
  public TxResult reveal(long jobId, int index, byte[] resultCid, byte[] salt) {
    return send("reveal", market.reveal(BigInteger.valueOf(jobId), BigInteger.valueOf(index), resultCid, salt));
  }

  @Override
  public TxResult finalizeJob(long jobId) {
    return send("finalize", market.finalize(BigInteger.valueOf(jobId)));
  }

  @Override
  public TxResult withdraw() {
    return send("withdraw", market.withdraw());
  }

  @Override
  public JobView job(long jobId) {
    JobMarket.JobView j = call("getJob", () -> market.getJob(BigInteger.valueOf(jobId)).send());
    return new JobView(jobId, j.client, JobState.of(j.state.intValueExact()), j.auction, j.replicas.intValueExact(),
        j.quorum.intValueExact(), j.bidCount.intValueExact(), j.commitCount.intValueExact(),
        j.revealCount.intValueExact(), j.deadline.longValueExact(), j.assignedMask.intValueExact(),
        j.revealedMask.intValueExact(), j.executionWindow.longValueExact(), j.revealWindow.longValueExact(),
        j.maxPrice, j.stake);
  }

  @Override
  public List<BidView> bids(long jobId) {
    List<?> raw = call("getBids", () -> market.getBids(BigInteger.valueOf(jobId)).send());
    List<BidView> bids = new ArrayList<>();
    for (Object o : raw) {
      JobMarket.BidView b = (JobMarket.BidView) o;
      bids.add(new BidView(bids.size(), b.provider, b.price, b.assigned, b.revealed, b.digest));
    }
    return bids;
  }

  @Override
  public ProviderView provider(String address) {
    var p = call("providers", () -> market.providers(address).send());
    BigInteger minerId = call("minerIdOf", () -> market.minerIdOf(address).send());
    return new ProviderView(p.component3().longValueExact(), minerId.longValue(), p.component1(), p.component2());
  }

  @Override
  public BigInteger credits(String address) {
    return call("credits", () -> market.credits(address).send());
  }

  private TxResult send(String function, RemoteCall<TransactionReceipt> remote) {
    TransactionReceipt receipt = call(function, remote::send);
    return logged(toResult(function, receipt));
  }

  private TxResult logged(TxResult tx) {
    LOG.info("{} mined in block {} (tx {}), gas used {}", tx.function(), tx.blockNumber(), tx.txHash(), tx.gasUsed());
    return tx;
  }

  private static TxResult toResult(String function, TransactionReceipt r) {
    return new TxResult(function, r.getTransactionHash(), r.getBlockNumber().longValueExact(), r.getGasUsed());
  }

  @FunctionalInterface
  private interface ChainCall<T> {
    T run() throws Exception;
  }

  private <T> T call(String function, ChainCall<T> body) {
    try {
      return body.run();
    } catch (TransactionException e) {
      throw explain(function, e);
    } catch (CodException e) {
      throw e;
    } catch (IOException e) {
      throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE,
          function + ": chain endpoint " + chain.rpcUrl() + " failed: " + e.getMessage(), e);
    } catch (Exception e) {
      throw new CodException(ErrorCode.INTERNAL, function + " failed: " + e, e);
    }
  }

  /** For the deployment, where no market instance exists yet. */
  private static <T> T callStatic(String function, ChainCall<T> body) {
    try {
      return body.run();
    } catch (CodException e) {
      throw e;
    } catch (IOException e) {
      throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, function + " failed: " + e.getMessage(), e);
    } catch (Exception e) {
      throw new CodException(ErrorCode.INTERNAL, function + " failed: " + e, e);
    }
  }

  private CodException explain(String function, TransactionException e) {
    Optional<TransactionReceipt> receipt = e.getTransactionReceipt();
    if (receipt.isEmpty()) {
      return new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE,
          function + ": no receipt for transaction " + e.getTransactionHash().orElse("?") + ": " + e.getMessage(), e);
    }
    try {
      var tx = chain.web3j().ethGetTransactionByHash(receipt.get().getTransactionHash()).send().getTransaction().orElseThrow();
      return txManager.explainFailure(tx.getTo(), tx.getInput(), tx.getValue(), receipt.get().getBlockNumber());
    } catch (IOException io) {
      return new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, function + " failed and could not be explained", io);
    }
  }
}
