package dev.cod.chain;

import dev.cod.chain.contracts.MockDealOracle;
import dev.cod.chain.contracts.MockMinerOracle;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.common.RetriableCodException;
import java.io.IOException;
import java.math.BigInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.RemoteCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.gas.StaticGasProvider;

/**
 * The test-double oracles of a local devnet or a test chain, {@code MockDealOracle} and
 * {@code MockMinerOracle}, seen by the account that deployed them (the only one that may set
 * them): it says which accounts control which miner actor IDs, and records storage deals. A
 * market deployed on them with {@link #deployMarket} then lets those accounts register with those
 * miners, and takes bids naming those deals. Never for a real network: there the market is
 * deployed on FvmDealOracle and FvmMinerOracle, which ask the Filecoin actors.
 *
 * <p>Epochs are block numbers of the chain, as on FEVM. Calls that the doubles refuse throw
 * {@link dev.cod.common.ContractRevertedException} naming their error (e.g. {@code
 * MockMinerOracleNotDeployer}).
 */
public final class DevnetOracles {
  private static final Logger LOG = LoggerFactory.getLogger(DevnetOracles.class);
  /** Placeholders the wrappers insist on; {@link EstimatingTransactionManager} estimates every send. */
  private static final StaticGasProvider REPLACED_BY_ESTIMATES =
      new StaticGasProvider(BigInteger.ZERO, BigInteger.ZERO);

  private final ChainConnection chain;
  private final MockDealOracle deals;
  private final MockMinerOracle miners;

  private DevnetOracles(ChainConnection chain, MockDealOracle deals, MockMinerOracle miners) {
    this.chain = chain;
    this.deals = deals;
    this.miners = miners;
  }

  /** Deploys a MockDealOracle and a MockMinerOracle from {@code deployer}, which alone may set them. */
  public static DevnetOracles deploy(ChainConnection chain, Credentials deployer) {
    EstimatingTransactionManager tm = chain.transactionManager(deployer);
    MockDealOracle deals = call("deploy MockDealOracle",
        () -> MockDealOracle.deploy(chain.web3j(), tm, REPLACED_BY_ESTIMATES).send());
    MockMinerOracle miners = call("deploy MockMinerOracle",
        () -> MockMinerOracle.deploy(chain.web3j(), tm, REPLACED_BY_ESTIMATES).send());
    LOG.info("test-double oracles deployed: deals {}, miners {}", deals.getContractAddress(),
        miners.getContractAddress());
    return new DevnetOracles(chain, deals, miners);
  }

  /** The doubles deployed earlier at these addresses, sent to from {@code deployer}. */
  public static DevnetOracles at(ChainConnection chain, Credentials deployer, String dealOracle, String minerOracle) {
    EstimatingTransactionManager tm = chain.transactionManager(deployer);
    return new DevnetOracles(chain, MockDealOracle.load(dealOracle, chain.web3j(), tm, REPLACED_BY_ESTIMATES),
        MockMinerOracle.load(minerOracle, chain.web3j(), tm, REPLACED_BY_ESTIMATES));
  }

  /** The MockDealOracle's 0x address. */
  public String dealOracle() {
    return deals.getContractAddress();
  }

  /** The MockMinerOracle's 0x address. */
  public String minerOracle() {
    return miners.getContractAddress();
  }

  /** Deploys a JobMarket on these two oracles from {@code credentials}. */
  public ChainConnection.Deployment deployMarket(Credentials credentials) {
    return chain.deployMarket(credentials, dealOracle(), minerOracle());
  }

  /**
   * Makes {@code account} a controlling address of miner {@code minerId} (its owner, worker or a
   * control address), or no longer one.
   */
  public TxResult setController(long minerId, String account, boolean controls) {
    return send("setController", miners.setController(BigInteger.valueOf(minerId), account, controls));
  }

  /** Whether the miner oracle names {@code account} a controlling address of miner {@code minerId}. */
  public boolean controls(long minerId, String account) {
    return call("isControllingAddress",
        () -> miners.isControllingAddress(BigInteger.valueOf(minerId), account).send());
  }

  /**
   * Records deal {@code dealId} (replacing an earlier record of it).
   *
   * @param pieceCid the deal's piece CID, binary form
   * @param minerId the miner actor ID storing it
   * @param startEpoch its first epoch (block number)
   * @param endEpoch the epoch it ends at, exclusive
   * @param activated whether its sector was proven
   * @param terminated whether it was terminated early
   */
  public TxResult recordDeal(long dealId, byte[] pieceCid, long minerId, long startEpoch, long endEpoch,
      boolean activated, boolean terminated) {
    return send("recordDeal", deals.recordDeal(BigInteger.valueOf(dealId), pieceCid.clone(), BigInteger.valueOf(minerId),
        BigInteger.valueOf(startEpoch), BigInteger.valueOf(endEpoch), activated, terminated));
  }

  /** Records an activated deal of {@code minerId} for {@code pieceCid}, running {@code epochs} from the latest block. */
  public TxResult recordActiveDeal(long dealId, byte[] pieceCid, long minerId, long epochs) {
    if (epochs < 1) {
      throw new IllegalArgumentException("a deal runs at least 1 epoch, got " + epochs);
    }
    long now = chain.blockNumber();
    return recordDeal(dealId, pieceCid, minerId, now, now + epochs, true, false);
  }

  /** Marks a recorded deal as cleaned up by the market actor (it is then {@link DealStatus#EXPIRED}). */
  public TxResult expireDeal(long dealId) {
    return send("expireDeal", deals.expireDeal(BigInteger.valueOf(dealId)));
  }

  /** What the deal oracle says now of deal {@code dealId} for {@code pieceCid} (binary) stored by {@code minerId}. */
  public DealStatus dealStatus(long dealId, byte[] pieceCid, long minerId) {
    BigInteger status = call("dealStatus", () -> deals.dealStatus(BigInteger.valueOf(dealId),
        Hash.sha3(pieceCid), BigInteger.valueOf(minerId)).send());
    return DealStatus.of(status.intValueExact());
  }

  private static TxResult send(String function, RemoteCall<TransactionReceipt> remote) {
    TransactionReceipt r = call(function, remote::send);
    TxResult tx = new TxResult(function, r.getTransactionHash(), r.getBlockNumber().longValueExact(), r.getGasUsed());
    LOG.info("{} mined in block {} (tx {})", function, tx.blockNumber(), tx.txHash());
    return tx;
  }

  @FunctionalInterface
  private interface ChainCall<T> {
    T run() throws Exception;
  }

  private static <T> T call(String function, ChainCall<T> body) {
    try {
      return body.run();
    } catch (CodException e) {
      throw e;
    } catch (IOException e) {
      throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, function + ": chain endpoint failed: "
          + e.getMessage(), e);
    } catch (Exception e) {
      throw new CodException(ErrorCode.INTERNAL, function + " failed: " + e, e);
    }
  }
}
