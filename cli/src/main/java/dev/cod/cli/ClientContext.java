package dev.cod.cli;

import dev.cod.chain.ChainConnection;
import dev.cod.chain.MarketContract;
import dev.cod.chain.JobView;
import dev.cod.chain.MarketHistory;
import dev.cod.cid.Cid;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.node.ipfs.KuboRpcClient;
import dev.cod.payments.Keystore;
import dev.cod.store.H2Database;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.web3j.crypto.Credentials;

/** The parts a client command uses, wired from a {@link ClientConfig}. */
final class ClientContext implements AutoCloseable {
  /** Blocks per eth_getLogs call (Lotus limits ranges; Hardhat does not care). */
  static final int LOG_RANGE = 2000;

  final ClientConfig config;
  final ChainConnection chain;
  final MarketContract market;
  final KuboRpcClient ipfs;
  final MarketHistory history;

  /** The client account's transactions (nonces, signed attempts), kept across runs: beside its keystore. */
  private final H2Database txDb;

  /**
   * @param password the keystore's password when the config names no password file (asked only
   *     then: {@link Cod#clientContext()} reads {@code $COD_WALLET_PASSWORD} or prompts)
   */
  ClientContext(ClientConfig config, Supplier<String> password) {
    this.config = config;
    Credentials credentials = config.passwordFile() != null
        ? Keystore.load(config.keystore(), config.passwordFile())
        : Keystore.load(config.keystore(), password.get());
    this.txDb = H2Database.open(transactionsFile(config.keystore()));
    this.chain = ChainConnection.open(config.rpcUrl(), null, txDb);
    this.market = chain.market(config.market(), credentials);
    this.ipfs = new KuboRpcClient(config.ipfsApi());
    this.history = new MarketHistory(chain.web3j(), config.market(), config.startBlock(), LOG_RANGE);
  }

  /**
   * The accepted result CID of a finalized job.
   *
   * @throws CodException INTERNAL if no reveal of the job hashes to its accepted result
   */
  Cid acceptedResult(JobView job) {
    return Cid.fromBytes(history.acceptedResultCid(job).orElseThrow(() -> new CodException(ErrorCode.INTERNAL,
        "job " + job.jobId() + " is finalized but no reveal matches its accepted result hash")));
  }

  /**
   * Where the transactions of the account in {@code keystore} are kept: {@code
   * <keystore>.transactions.mv.db} beside it, so a command run again after a crash finds the
   * transaction it sent (same nonce) instead of sending another.
   */
  static Path transactionsFile(Path keystore) {
    Path k = keystore.toAbsolutePath();
    return k.resolveSibling(k.getFileName() + ".transactions");
  }

  @Override
  public void close() {
    chain.close();
    txDb.close();
  }
}
