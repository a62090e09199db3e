package dev.cod.chain;

import dev.cod.common.ErrorCode;
import dev.cod.common.RetriableCodException;
import dev.cod.store.H2Database;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.EthChainId;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.http.HttpService;

/**
 * A connection to an Ethereum JSON-RPC endpoint: a Hardhat node, or Lotus's FEVM endpoint
 * ({@code /rpc/v1}, chain 314; Calibration 314159).
 *
 * <p>Every JSON-RPC call rides out transport failures within the {@link TxConfig#retry()} budget
 * ({@link RetryingHttpService}), then fails with {@code CHAIN_UNAVAILABLE}. Transactions are sent by
 * one {@link EstimatingTransactionManager} per account, whose nonces and signed transactions are
 * kept in the {@link TxStore} of the database given to {@link #open(String, TxConfig, H2Database)}
 * (the node's H2 file: they survive a restart), or in memory.
 */
public final class ChainConnection implements AutoCloseable {
  private final String rpcUrl;
  private final Web3j web3j;
  private final long chainId;
  private final TxConfig txConfig;
  private final TxStore txStore;
  /** The in-memory database this connection opened for its store, closed with it; else null. */
  private final H2Database ownDb;
  private final Clock clock;
  private final RevertDecoder revertDecoder = RevertDecoder.forJobMarket();
  private final Map<String, EstimatingTransactionManager> managers = new ConcurrentHashMap<>();

  private ChainConnection(String rpcUrl, Web3j web3j, long chainId, TxConfig txConfig, TxStore txStore,
      H2Database ownDb, Clock clock) {
    this.rpcUrl = rpcUrl;
    this.web3j = web3j;
    this.chainId = chainId;
    this.txConfig = txConfig;
    this.txStore = txStore;
    this.ownDb = ownDb;
    this.clock = clock;
  }

  /**
   * Connects and reads the chain id ({@code eth_chainId}, one attempt: fails fast when nothing
   * listens); transactions use {@link TxConfig#forChain} of that id and a store in memory (nonces
   * and pending transactions are not kept across restarts: use the other {@code open} for that).
   *
   * @throws RetriableCodException CHAIN_UNAVAILABLE if the endpoint does not answer
   */
  public static ChainConnection open(String rpcUrl) {
    return open(rpcUrl, null, null, Clock.systemUTC());
  }

  /**
   * Connects and reads the chain id; transactions use {@code config} and keep their nonces and
   * signed bytes in {@code txDb} (not closed by this connection).
   *
   * @param config the transaction settings, or null for {@link TxConfig#forChain} of the chain's id
   * @throws RetriableCodException CHAIN_UNAVAILABLE if the endpoint does not answer
   */
  public static ChainConnection open(String rpcUrl, TxConfig config, H2Database txDb) {
    return open(rpcUrl, config, Objects.requireNonNull(txDb, "txDb"), Clock.systemUTC());
  }

  /**
   * As {@link #open(String, TxConfig, H2Database)}, with the time of sends and replacements from
   * {@code clock}; a null {@code txDb} keeps transactions in memory.
   */
  public static ChainConnection open(String rpcUrl, TxConfig config, H2Database txDb, Clock clock) {
    OkHttpClient http = new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(30))
        // RetryingHttpService owns retries: OkHttp's own silent retry would spend budget unseen
        .retryOnConnectionFailure(false)
        .build();
    long chainId;
    try {
      // a plain HttpService, without retries: fail fast when nothing listens (HardhatNode polls this)
      chainId = new Request<>("eth_chainId", List.of(), new HttpService(rpcUrl, http), EthChainId.class).send()
          .getChainId().longValueExact();
    } catch (IOException e) {
      throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE,
          "chain endpoint " + rpcUrl + " does not answer eth_chainId: " + e.getMessage()
              + "; is the node (hardhat node / Lotus) running?", e);
    }
    TxConfig effective = config != null ? config : TxConfig.forChain(chainId);
    Web3j web3j = Web3j.build(new RetryingHttpService(rpcUrl, http, effective.retry(), RetryPolicy.Sleeper.REAL));
    H2Database ownDb = txDb == null ? H2Database.inMemory() : null;
    return new ChainConnection(rpcUrl, web3j, chainId, effective, new TxStore(txDb != null ? txDb : ownDb), ownDb,
        clock);
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

  /** The transaction settings in force. */
  public TxConfig txConfig() {
    return txConfig;
  }

  /** Where the transactions of this connection's accounts are kept. */
  public TxStore txStore() {
    return txStore;
  }

  /**
   * The transaction manager of this account (one per account and connection, shared by every
   * contract client of the account): local nonces, estimated gas and fees, replacement of stuck
   * transactions, confirmations, decoded reverts.
   */
  public EstimatingTransactionManager transactionManager(Credentials credentials) {
    return managers.computeIfAbsent(credentials.getAddress().toLowerCase(Locale.ROOT),
        a -> new EstimatingTransactionManager(web3j, credentials, chainId, revertDecoder, txConfig, txStore, clock,
            RetryPolicy.Sleeper.REAL));
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
    if (ownDb != null) {
      ownDb.close();
    }
  }
}
