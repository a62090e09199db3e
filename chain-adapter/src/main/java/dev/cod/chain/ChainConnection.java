package dev.cod.chain;

import dev.cod.common.ErrorCode;
import dev.cod.common.RetriableCodException;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import okhttp3.OkHttpClient;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.http.HttpService;

/**
 * A connection to an Ethereum JSON-RPC endpoint: a Hardhat node, or Lotus's FEVM endpoint
 * ({@code /rpc/v1}, chain 314; Calibration 314159).
 */
public final class ChainConnection implements AutoCloseable {
  private final String rpcUrl;
  private final Web3j web3j;
  private final long chainId;
  private final RevertDecoder revertDecoder = RevertDecoder.forJobMarket();

  private ChainConnection(String rpcUrl, Web3j web3j, long chainId) {
    this.rpcUrl = rpcUrl;
    this.web3j = web3j;
    this.chainId = chainId;
  }

  /**
   * Connects and reads the chain id ({@code eth_chainId}).
   *
   * @throws RetriableCodException CHAIN_UNAVAILABLE if the endpoint does not answer
   */
  public static ChainConnection open(String rpcUrl) {
    OkHttpClient http = new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(30))
        .build();
    Web3j web3j = Web3j.build(new HttpService(rpcUrl, http));
    try {
      BigInteger chainId = web3j.ethChainId().send().getChainId();
      return new ChainConnection(rpcUrl, web3j, chainId.longValueExact());
    } catch (IOException e) {
      web3j.shutdown();
      throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE,
          "chain endpoint " + rpcUrl + " does not answer eth_chainId: " + e.getMessage()
              + "; is the node (hardhat node / Lotus) running?", e);
    }
  }

  public Web3j web3j() {
    return web3j;
  }

  public long chainId() {
    return chainId;
  }

  public String rpcUrl() {
    return rpcUrl;
  }

  /** The latest block number ({@code eth_blockNumber}). */
  public long blockNumber() {
    try {
      return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
    } catch (IOException e) {
      throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "eth_blockNumber failed: " + e.getMessage(), e);
    }
  }

  /**
   * The timestamps (seconds since the epoch) of blocks, read with {@code eth_getBlockByNumber}
   * in JSON-RPC batches of at most 500 calls.
   *
   * @return block number to timestamp, for every requested block
   * @throws RetriableCodException CHAIN_UNAVAILABLE if the endpoint fails or lacks a block
   */
  public Map<Long, Long> blockTimestamps(Collection<Long> blocks) {
    Map<Long, Long> out = new HashMap<>();
    List<Long> all = new ArrayList<>(new TreeSet<>(blocks));
    try {
      for (int i = 0; i < all.size(); i += 500) {
        BatchRequest batch = web3j.newBatch();
        List<Long> part = all.subList(i, Math.min(all.size(), i + 500));
        for (long b : part) {
          batch.add(web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(b)), false));
        }
        List<? extends Response<?>> responses = batch.send().getResponses();
        for (int j = 0; j < part.size(); j++) {
          EthBlock.Block block = ((EthBlock) responses.get(j)).getBlock();
          if (block == null) {
            throw new IOException("block " + part.get(j) + " not found");
          }
          out.put(part.get(j), block.getTimestamp().longValueExact());
        }
      }
    } catch (IOException e) {
      throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "reading block timestamps: " + e.getMessage(), e);
    }
    return out;
  }

  /** A transaction manager for this account: estimated gas and fees, decoded reverts. */
  public EstimatingTransactionManager transactionManager(Credentials credentials) {
    return new EstimatingTransactionManager(web3j, credentials, chainId, revertDecoder, 100, 3000);
  }

  /** The market contract at {@code address}, sending from {@code credentials}' account. */
  public MarketContract market(String address, Credentials credentials) {
    return new Web3jMarketContract(this, address, credentials);
  }

  /**
   * Deploys a new JobMarket from this account on the given oracles (fixed for the market's
   * lifetime); returns the deployment.
   *
   * @param dealOracle 0x address of the deal oracle (FvmDealOracle on Filecoin, MockDealOracle on a devnet)
   * @param minerOracle 0x address of the miner oracle (FvmMinerOracle on Filecoin, MockMinerOracle on a devnet)
   * @throws dev.cod.common.ContractRevertedException JobMarketOracleNotContract if an address holds no contract
   */
  public Deployment deployMarket(Credentials credentials, String dealOracle, String minerOracle) {
    return Web3jMarketContract.deploy(this, credentials, dealOracle, minerOracle);
  }

  /**
   * A deployed market.
   *
   * @param address the contract's 0x address
   * @param blockNumber the block it was deployed in (where event scans start)
   */
  public record Deployment(String address, long blockNumber, TxResult tx) {}

  @Override
  public void close() {
    web3j.shutdown();
  }
}
