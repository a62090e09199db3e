package dev.cod.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cod.chain.ChainConnection;
import dev.cod.chain.DevnetOracles;
import dev.cod.chain.HardhatNode;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.cid.Cid;
import dev.cod.cid.PieceCommitment;
import dev.cod.filecoin.FilecoinAddress;
import dev.cod.filecoin.FilecoinAddress.Network;
import dev.cod.filecoin.FilecoinCid;
import dev.cod.filecoin.lotus.LocalLotusServer;
import dev.cod.node.JobStore;
import dev.cod.node.NodeConfig;
import dev.cod.node.ipfs.KuboDaemon;
import dev.cod.node.ipfs.KuboRpcClient;
import dev.cod.node.storage.PieceHttpServer;
import dev.cod.payments.Keystore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;

/**
 * A local devnet in one directory: a Hardhat chain, an offline Kubo daemon, the test-double
 * oracles (MockDealOracle, MockMinerOracle) and a freshly deployed JobMarket on them, a client
 * account and N provider nodes (each made a controller of its miner actor ID in the miner oracle,
 * then registered, staked, running on threads of this process). Writes {@code client.yaml} (for the client commands), {@code provider-N.yaml}
 * (node configs), {@code devnet.json} (endpoints), and encrypted keystores under {@code keys/}.
 *
 * <p>The accounts are Hardhat's public development accounts: 0 deploys, 1 is the client, 2..N+1
 * are the providers. All providers share the one Kubo daemon (thin for now: real SPs each run
 * their own).
 *
 * <p>Filecoin for piece jobs: a {@link LocalLotusServer} (Lotus cannot run here; its token in
 * {@code keys/lotus-token}, 0600) answers the nodes' deal lookups, and each provider has its own
 * booster-http stand-in ({@link PieceHttpServer} over {@code provider-N/pieces/}). {@link
 * #storePiece} packs a data set into a CAR, computes its piece CID and records a deal of it for
 * the providers chosen, the same deal ID in the Lotus stand-in and in MockDealOracle, and appends
 * it to each one's {@code provider-N/deals.txt} (its node config's {@code dealsFile}).
 */
public final class Devnet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Devnet.class);
  /** The first deal ID {@link #storePiece} records; each new deal takes the next. */
  static final long FIRST_DEAL_ID = 5001;
  /** How long a devnet deal runs, in epochs (blocks). */
  static final long DEAL_EPOCHS = 1_000_000;
  /** The largest data set {@link #storePiece} packs, as a CAR (bytes). */
  static final long MAX_PIECE_BYTES = 1L << 30;
  /** The client actor the devnet's deals name (an f0 of the Lotus stand-in). */
  private static final long DEAL_CLIENT_ID = 1000;
  /** What the devnet's Lotus wallet holds at the start, in the Lotus stand-in. */
  static final java.math.BigInteger LOTUS_WALLET_FIL = java.math.BigInteger.valueOf(1000).multiply(java.math.BigInteger.TEN.pow(18));
  /** Provider i (from 0) bids PRICES[i % 3]. */
  private static final String[] PRICES = {"0.002 FIL", "0.003 FIL", "0.004 FIL"};

  private final Path dir;
  private final HardhatNode chain;
  private final KuboDaemon kubo;
  private final String market;
  private final long startBlock;
  private final String dealOracle;
  private final String minerOracle;
  private final LocalLotusServer lotus;
  private FilecoinAddress lotusWallet;
  private final List<PieceHttpServer> pieceServers = new ArrayList<>();
  private final List<RunningNode> nodes = new ArrayList<>();
  private long nextDealId = FIRST_DEAL_ID;

  private Devnet(Path dir, HardhatNode chain, KuboDaemon kubo, ChainConnection.Deployment deployment,
      DevnetOracles oracles, LocalLotusServer lotus) {
    this.dir = dir;
    this.chain = chain;
    this.kubo = kubo;
    this.lotus = lotus;
    this.market = deployment.address();
    this.startBlock = deployment.blockNumber();
    this.dealOracle = oracles.dealOracle();
    this.minerOracle = oracles.minerOracle();
  }

  /**
   * Starts everything in {@code dir}, which is emptied first.
   *
   * @param providers how many provider nodes (1..8)
   */
  public static Devnet start(Path dir, Path hardhatDir, Path ipfsBinary, int providers) {
    if (providers < 1 || providers > 8) {
      throw new CodException(ErrorCode.INVALID_INPUT, "providers must be 1..8, got " + providers);
    }
    Path root = dir.toAbsolutePath();
    clean(root);
    HardhatNode chain = HardhatNode.start(hardhatDir, root.resolve("hardhat.log"));
    KuboDaemon kubo = null;
    LocalLotusServer lotus = null;
    Devnet devnet = null;
    try {
      kubo = KuboDaemon.start(ipfsBinary, root.resolve("ipfs"));
      byte[] token = new byte[24];
      new SecureRandom().nextBytes(token);
      String lotusToken = HexFormat.of().formatHex(token);
      Keystore.writePassword(root.resolve("keys").resolve("lotus-token"), lotusToken);
      lotus = LocalLotusServer.start(lotusToken, Network.TESTNET);
      try (ChainConnection c = ChainConnection.open(chain.rpcUrl())) {
        DevnetOracles oracles = DevnetOracles.deploy(c, HardhatNode.devAccount(0));
        ChainConnection.Deployment deployment = oracles.deployMarket(HardhatNode.devAccount(0));
        devnet = new Devnet(root, chain, kubo, deployment, oracles, lotus);
        devnet.writeConfigsAndStart(providers, oracles);
      }
      return devnet;
    } catch (RuntimeException | Error e) {
      if (devnet != null) {
        devnet.close();
      } else {
        if (lotus != null) {
          lotus.close();
        }
        if (kubo != null) {
          kubo.close();
        }
        chain.close();
      }
      throw e;
    }
  }

  /** Writes the configs and starts the provider nodes; each provider's miner names it a controller first. */
  private void writeConfigsAndStart(int providers, DevnetOracles oracles) {
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    Path keys = dir.resolve("keys");
    Path passwordFile = keys.resolve("password");
    Keystore.writePassword(passwordFile, password);
    Credentials client = HardhatNode.devAccount(1);
    Path clientKey = Keystore.write(keys.resolve("client"), client.getEcKeyPair(), password, false);

    lotusWallet = newLotusWallet();

    Map<String, Object> clientYaml = new LinkedHashMap<>();
    clientYaml.put("rpcUrl", chain.rpcUrl());
    clientYaml.put("market", market);
    clientYaml.put("startBlock", startBlock);
    clientYaml.put("ipfsApi", kubo.apiUrl().toString());
    clientYaml.put("keystore", dir.relativize(clientKey).toString());
    clientYaml.put("passwordFile", dir.relativize(passwordFile).toString());
    clientYaml.put("lotusUrl", lotus.rpcUrl().toString());
    clientYaml.put("lotusTokenFile", "keys/lotus-token");
    // DEVNET ONLY: Hardhat is not Filecoin; `cod wallet fund` pays the 0x account from a Hardhat
    // dev account once the Lotus stand-in says the transfer to its f410f address landed.
    clientYaml.put("fundingBridge", WalletCommand.DEVNET_BRIDGE);
    write(dir.resolve("client.yaml"), clientYaml);

    List<Map<String, Object>> summary = new ArrayList<>();
    for (int i = 0; i < providers; i++) {
      Credentials account = HardhatNode.devAccount(2 + i);
      Path key = Keystore.write(keys.resolve("provider-" + (i + 1)), account.getEcKeyPair(), password, false);
      Map<String, Object> y = new LinkedHashMap<>();
      y.put("name", "provider-" + (i + 1));
      y.put("rpcUrl", chain.rpcUrl());
      y.put("market", market);
      y.put("startBlock", startBlock);
      y.put("keystore", dir.relativize(key).toString());
      y.put("passwordFile", dir.relativize(passwordFile).toString());
      y.put("ipfsApi", kubo.apiUrl().toString());
      y.put("dataDir", "provider-" + (i + 1));
      long minerId = minerId(i + 1);
      y.put("minerId", minerId);
      y.put("price", PRICES[i % PRICES.length]);
      y.put("stake", "1 FIL");
      y.put("pollIntervalMillis", 250);
      PieceHttpServer pieces = PieceHttpServer.start(createDirectories(pieceDir(i + 1)));
      pieceServers.add(pieces);
      y.put("lotusUrl", lotus.rpcUrl().toString());
      y.put("lotusTokenFile", "keys/lotus-token");
      y.put("boosterHttpUrl", pieces.baseUrl().toString());
      y.put("dealsFile", "provider-" + (i + 1) + "/deals.txt");
      Path file = dir.resolve("provider-" + (i + 1) + ".yaml");
      write(file, y);
      // the node registers with its miner as it starts: the miner oracle must name it a controller
      oracles.setController(minerId, account.getAddress(), true);
      RunningNode node = RunningNode.start(NodeConfig.load(file, Map.of()));
      nodes.add(node);
      Map<String, Object> s = new LinkedHashMap<>(y);
      s.put("address", node.market.account());
      s.put("config", file.toString());
      s.remove("passwordFile");
      summary.add(s);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("rpcUrl", chain.rpcUrl());
    json.put("chainId", 31337);
    json.put("market", market);
    json.put("startBlock", startBlock);
    json.put("dealOracle", dealOracle);
    json.put("minerOracle", minerOracle);
    json.put("oracleDeployer", HardhatNode.devAccount(0).getAddress());
    json.put("ipfsApi", kubo.apiUrl().toString());
    json.put("lotusUrl", lotus.rpcUrl().toString());
    json.put("lotusWallet", lotusWallet.toString());
    json.put("client", client.getAddress());
    json.put("clientConfig", dir.resolve("client.yaml").toString());
    json.put("providers", summary);
    try {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("devnet.json").toFile(), json);
    } catch (IOException e) {
      throw new CodException(ErrorCode.INTERNAL, "cannot write devnet.json", e);
    }
    LOG.info("devnet up: chain {}, IPFS {}, market {}, {} providers", chain.rpcUrl(), kubo.apiUrl(), market, providers);
  }

  /**
   * What {@link #storePiece} stored: the data's UnixFS root CID, the piece CID (commP of its CAR,
   * v1), the padded piece size in bytes, and the deal ID each chosen provider (by number, from 1)
   * holds it under.
   */
  public record StoredPiece(Cid rootCid, Cid pieceCid, long paddedSize, Map<Integer, Long> deals) {}

  /**
   * Packs {@code data} (a file or directory) into a CAR through Kubo ({@code add}, then {@code
   * dag/export}), computes its piece CID, puts the piece in the booster-http stand-in of each
   * provider in {@code holders}, and records an active deal of it for each of them from the
   * current block for {@link #DEAL_EPOCHS} epochs: in MockDealOracle (on chain, which the market
   * checks at each bid) and in the Lotus stand-in (which the nodes ask), under the same deal ID.
   *
   * @param holders provider numbers, 1..providers
   * @throws CodException INVALID_INPUT for an unknown provider or unreadable data
   */
  public synchronized StoredPiece storePiece(Path data, List<Integer> holders) {
    for (int n : holders) {
      if (n < 1 || n > nodes.size()) {
        throw new CodException(ErrorCode.INVALID_INPUT, "expected provider numbers 1.." + nodes.size() + ", found " + n);
      }
    }
    KuboRpcClient ipfs = new KuboRpcClient(kubo.apiUrl());
    Cid root = ipfs.add(data);
    Path car = createDirectories(dir.resolve("pieces")).resolve(root + ".car");
    if (!Files.exists(car)) {
      ipfs.exportCar(root, car, MAX_PIECE_BYTES);
    }
    PieceCommitment commP = PieceCommitment.ofFile(car);
    Cid pieceCid = commP.toCidV1();
    Map<Integer, Long> deals = new LinkedHashMap<>();
    try (ChainConnection c = ChainConnection.open(chain.rpcUrl())) {
      DevnetOracles oracles = DevnetOracles.at(c, HardhatNode.devAccount(0), dealOracle, minerOracle);
      long now = c.blockNumber();
      lotus.setHeadEpoch(Math.max(lotus.headEpoch(), now));
      for (int n : holders) {
        long dealId = nextDealId++;
        long minerId = minerId(n);
        Files.copy(car, PieceHttpServer.pieceFile(pieceDir(n), pieceCid), StandardCopyOption.REPLACE_EXISTING);
        oracles.recordDeal(dealId, pieceCid.bytes(), minerId, now, now + DEAL_EPOCHS, true, false);
        lotus.recordDeal(dealId, FilecoinCid.of(pieceCid), commP.paddedSize(),
            FilecoinAddress.id(Network.TESTNET, DEAL_CLIENT_ID), FilecoinAddress.id(Network.TESTNET, minerId), now,
            now + DEAL_EPOCHS);
        lotus.activateDeal(dealId, dealId, now);
        Files.writeString(dir.resolve("provider-" + n).resolve("deals.txt"), dealId + "\n", StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        deals.put(n, dealId);
        LOG.info("provider-{} (f0{}) stores piece {} under deal {}", n, minerId, pieceCid, dealId);
      }
    } catch (IOException e) {
      throw new CodException(ErrorCode.INVALID_INPUT, "cannot store piece " + pieceCid + ": " + e.getMessage(), e);
    }
    return new StoredPiece(root, pieceCid, commP.paddedSize(), deals);
  }

  /**
   * A Lotus wallet for {@code cod wallet fund --from}: an f1 (t1) address of a fresh secp256k1 key,
   * funded with {@link #LOTUS_WALLET_FIL} in the Lotus stand-in (which "signs" for it; the key is
   * not kept).
   */
  private FilecoinAddress newLotusWallet() {
    try {
      byte[] pub = org.web3j.utils.Numeric.toBytesPadded(org.web3j.crypto.Keys.createEcKeyPair().getPublicKey(), 64);
      byte[] uncompressed = new byte[65];
      uncompressed[0] = 4;
      System.arraycopy(pub, 0, uncompressed, 1, 64);
      FilecoinAddress wallet = FilecoinAddress.secp256k1(Network.TESTNET, uncompressed);
      lotus.addWallet(wallet, LOTUS_WALLET_FIL);
      return wallet;
    } catch (java.security.GeneralSecurityException e) {
      throw new CodException(ErrorCode.INTERNAL, "cannot create a secp256k1 key: " + e.getMessage(), e);
    }
  }

  /** The Lotus stand-in's funded wallet (t1…), for {@code cod wallet fund --from}. */
  public FilecoinAddress lotusWallet() {
    return lotusWallet;
  }

  /** The Lotus stand-in, for tests that look at its balances. */
  LocalLotusServer lotus() {
    return lotus;
  }

  /** Provider {@code number}'s (from 1) miner actor ID. */
  static long minerId(int number) {
    return 1000 + number;
  }

  private Path pieceDir(int number) {
    return dir.resolve("provider-" + number).resolve("pieces");
  }

  private static Path createDirectories(Path path) {
    try {
      return Files.createDirectories(path);
    } catch (IOException e) {
      throw new CodException(ErrorCode.INVALID_INPUT, "cannot create " + path + ": " + e.getMessage(), e);
    }
  }

  public Path dir() {
    return dir;
  }

  public String rpcUrl() {
    return chain.rpcUrl();
  }

  public String market() {
    return market;
  }

  /** The MockDealOracle the market asks about deals (set from dev account 0). */
  public String dealOracle() {
    return dealOracle;
  }

  /** The MockMinerOracle the market asks about miner control (set from dev account 0). */
  public String minerOracle() {
    return minerOracle;
  }

  public String ipfsApi() {
    return kubo.apiUrl().toString();
  }

  /** What provider {@code number} (from 1) recorded about job {@code jobId}: its step and why. */
  Optional<JobStore.Row> jobRow(int number, long jobId) {
    return nodes.get(number - 1).store.find(jobId);
  }

  /** The running provider nodes' accounts, in order. */
  public List<String> providerAccounts() {
    return nodes.stream().map(n -> n.market.account()).toList();
  }

  private static void write(Path file, Map<String, Object> values) {
    try {
      new ObjectMapper(new YAMLFactory()).writeValue(file.toFile(), values);
    } catch (IOException e) {
      throw new CodException(ErrorCode.INTERNAL, "cannot write " + file, e);
    }
  }

  private static void clean(Path dir) {
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> walk = Files.walk(dir)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new CodException(ErrorCode.INVALID_INPUT, "cannot empty devnet directory " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    for (RunningNode n : nodes) {
      n.close();
    }
    for (PieceHttpServer p : pieceServers) {
      p.close();
    }
    lotus.close();
    kubo.close();
    chain.close();
    LOG.info("devnet stopped");
  }
}
