package dev.cod.cli;

import dev.cod.chain.ChainConnection;
import dev.cod.chain.EventWatcher;
import dev.cod.chain.MarketContract;
import dev.cod.chain.WatcherStore;
import dev.cod.node.JobStore;
import dev.cod.filecoin.lotus.JsonRpc4jLotusClient;
import dev.cod.filecoin.lotus.LotusClient;
import dev.cod.node.FilecoinConfig;
import dev.cod.node.NodeConfig;
import dev.cod.node.ProviderNode;
import dev.cod.node.deals.DealFinder;
import dev.cod.node.deals.DealLookup;
import dev.cod.node.deals.LotusDealFinder;
import dev.cod.node.exec.DockerExecutor;
import dev.cod.node.exec.wasm.WasmExecutor;
import dev.cod.node.ipfs.KuboRpcClient;
import dev.cod.node.storage.BoosterHttpSource;
import dev.cod.node.storage.InputSource;
import dev.cod.node.storage.IpfsInputSource;
import dev.cod.payments.Keystore;
import dev.cod.store.H2Database;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** A provider node wired from its {@link NodeConfig}, running on its own thread until closed. */
final class RunningNode implements AutoCloseable {
  /** Blocks per eth_getLogs call. */
  private static final int LOG_RANGE = 2000;

  final NodeConfig config;
  final ProviderNode node;
  final MarketContract market;
  /** The node's job store: what it did with each job and why. */
  final JobStore store;
  private final ChainConnection chain;
  private final H2Database db;
  private final DockerExecutor docker;
  private final Thread thread;

  private RunningNode(NodeConfig config) {
    this.config = config;
    this.db = H2Database.open(config.dataDir().resolve("node"));
    try {
      // the node's nonces and signed transactions live in its H2 file: a restart sends nothing twice
      this.chain = ChainConnection.open(config.rpcUrl(), null, db);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    this.market = chain.market(config.market(), Keystore.load(config.keystore(), config.passwordFile()));
    this.docker = new DockerExecutor(config.dockerHost());
    EventWatcher watcher = new EventWatcher(chain.web3j(), config.market(), config.startBlock(),
        config.confirmations(), LOG_RANGE, new WatcherStore(db), "market");
    KuboRpcClient ipfs = new KuboRpcClient(config.ipfsApi());
    Map<String, InputSource> sources = new HashMap<>();
    sources.put(IpfsInputSource.TYPE, new IpfsInputSource(ipfs));
    DealFinder deals = piece -> DealLookup.none("this node has no Lotus configured (lotusUrl) for piece jobs");
    FilecoinConfig filecoin = config.filecoin();
    if (filecoin.enabled()) {
      LotusClient lotus = new JsonRpc4jLotusClient(filecoin.lotusUrl(), Keystore.readSecret(filecoin.lotusTokenFile()));
      deals = new LotusDealFinder(lotus, config.minerId(), filecoin::currentDeals);
      sources.put(BoosterHttpSource.TYPE, new BoosterHttpSource(filecoin.boosterHttpUrl(), config.maxInputBytes()));
    }
    this.store = new JobStore(db);
    this.node = new ProviderNode(config, market, watcher, store, ipfs, sources,
        Map.of(docker.engine(), docker, WasmExecutor.ENGINE, new WasmExecutor(config.wasm())), deals,
        Clock.systemUTC());
    this.thread = new Thread(node, "node-" + config.name());
  }

  /** Wires the node, registers and stakes as configured, and starts its loop. */
  static RunningNode start(NodeConfig config) {
    RunningNode n = new RunningNode(config);
    try {
      n.node.ensureRegisteredAndStaked();
    } catch (RuntimeException | Error e) {
      n.close();
      throw e;
    }
    n.thread.start();
    return n;
  }

  /** Waits until the node's thread ends (it ends on {@link #close()}). */
  void join() throws InterruptedException {
    thread.join();
  }

  @Override
  public void close() {
    node.stop();
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    docker.close();
    db.close();
    chain.close();
  }
}
