package dev.cod.filecoin.lotus;

import com.fasterxml.jackson.databind.JsonNode;
import com.googlecode.jsonrpc4j.ErrorResolver;
import com.googlecode.jsonrpc4j.JsonRpcBasicServer;
import com.googlecode.jsonrpc4j.JsonRpcMethod;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.filecoin.FilecoinAddress;
import dev.cod.filecoin.FilecoinAddress.Network;
import dev.cod.filecoin.FilecoinAddress.Protocol;
import dev.cod.filecoin.FilecoinCid;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A STAND-IN for a Lotus full node, for tests and the local devnet only, because Lotus cannot run
 * on cod's development machines. Never point a production node at it: it has no consensus, no
 * keys, no proofs and no history, and it answers whatever state its owner puts into it.
 *
 * <p>What is real: the HTTP and JSON-RPC 2.0 surface ({@code POST /rpc/v1}, method names {@code
 * Filecoin.<Method>}, positional parameters, errors as {@code {"code": 1, "message": …}}), the
 * bearer-token check (a missing or wrong token gets HTTP 401 with no body, as go-jsonrpc's {@code
 * auth.Handler} answers a token it cannot verify), and every answer's field names and shapes,
 * which come from {@link LotusJson} and follow the Lotus API v1 reference. Addresses are printed
 * with the configured network's prefix. Message CIDs are the real {@code Message.Cid()}.
 *
 * <p>What is simulated, and differs from Lotus:
 *
 * <ul>
 *   <li>the chain is a counter: the head epoch only moves forward, by {@link #advance} or {@link
 *       #setHeadEpoch}; tipset CIDs are synthetic (blake2b-256 of {@code
 *       "cod-local-lotus/tipset/<epoch>"}) and {@code ChainHead}'s {@code Blocks} is empty;
 *   <li>state methods answer from the current state whatever tipset key they are given;
 *   <li>every call needs the token (Lotus lets read-only calls through without one);
 *   <li>{@code MpoolPushMessage} signs nothing (the signature's {@code Data} is empty, its CID is
 *       the unsigned message's CID); the sender must be a wallet address ({@link #addWallet}); the
 *       message lands at the next epoch, uses {@link #GAS_USED} gas at {@link #BASE_FEE} + the
 *       premium per gas unit, and only method 0 (send) executes: it moves the value, creating an
 *       account for an unknown f1/f3/f4 receiver; other methods land with exit code 22
 *       (USR_UNHANDLED_MESSAGE), an unknown f0/f2 receiver with exit code 5
 *       (SYS_INVALID_RECEIVER);
 *   <li>{@code StateWaitMsg} does not wait: it advances the chain to the epoch where the message
 *       has the asked confidence, and refuses a CID it has never seen (Lotus would block).
 * </ul>
 *
 * <p>Error messages are modelled on Lotus's (e.g. "deal 5432 not found - deal may not have
 * completed sealing before deal proposal start epoch, or deal may have been slashed").
 *
 * <p>Thread-safe: the state is guarded by this object's lock.
 */
public final class LocalLotusServer implements AutoCloseable {
  /** The API v1 path Lotus serves. */
  public static final String RPC_PATH = "/rpc/v1";
  /** Gas every stand-in message uses. */
  public static final long GAS_USED = 500_000;
  /** The gas limit the stand-in fills in when a message leaves it 0 (GAS_USED × 1.25). */
  public static final long GAS_LIMIT_ESTIMATE = 625_000;
  /** The stand-in's base fee, in attoFIL per gas unit. */
  public static final BigInteger BASE_FEE = BigInteger.valueOf(100);
  /** The gas premium the stand-in fills in, in attoFIL per gas unit. */
  public static final BigInteger DEFAULT_GAS_PREMIUM = BigInteger.valueOf(50);
  /** The first actor ID the stand-in gives a new account. */
  public static final long FIRST_ACCOUNT_ID = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(LocalLotusServer.class);
  private static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;
  private static final int LOTUS_ERROR = 1;
  private static final long EXIT_SYS_INVALID_RECEIVER = 5;
  private static final long EXIT_USR_UNHANDLED_MESSAGE = 22;
  private static final Pattern BLOCK_PARAM =
      Pattern.compile("pending|latest|finalized|safe|0x[0-9a-fA-F]{1,16}");

  private final Network network;
  private final byte[] expectedAuthorization;
  private final HttpServer http;
  private final ExecutorService executor;
  private final JsonRpcBasicServer rpc;
  private final URI rpcUrl;

  // State, guarded by `this`.
  private long head;
  private long nextActorId = FIRST_ACCOUNT_ID;
  private final Map<Long, Actor> actors = new HashMap<>();
  private final Map<String, Long> robustToId = new HashMap<>();
  private final Map<Long, MarketDeal> deals = new HashMap<>();
  private final Map<Long, MinerInfo> miners = new HashMap<>();
  private final Map<FilecoinCid, Pushed> messages = new LinkedHashMap<>();
  private final Map<UUID, FilecoinCid> byUuid = new HashMap<>();

  private static final class Actor {
    final long id;
    final FilecoinAddress robust; // key or f4 address; null for miners and singletons
    BigInteger balance = BigInteger.ZERO;
    long nextNonce;
    boolean wallet;
    boolean miner;

    Actor(long id, FilecoinAddress robust) {
      this.id = id;
      this.robust = robust;
    }
  }

  private static final class Pushed {
    final SignedMessage signed;
    final long landsAt;
    Receipt receipt; // null until landed

    Pushed(SignedMessage signed, long landsAt) {
      this.signed = signed;
      this.landsAt = landsAt;
    }
  }

  private LocalLotusServer(String token, Network network, int port) throws IOException {
    if (token == null || token.isEmpty()) {
      throw new CodException(ErrorCode.INVALID_INPUT,
          "expected a non-empty API token for the Lotus stand-in, found none");
    }
    this.network = network;
    this.expectedAuthorization = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    this.rpc = new JsonRpcBasicServer(LotusJson.MAPPER, new Api(), LotusV1.class);
    this.rpc.setShouldLogInvocationErrors(false);
    this.rpc.setErrorResolver(this::resolveError);
    this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    this.executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "local-lotus");
      t.setDaemon(true);
      return t;
    });
    this.http.setExecutor(executor);
    this.http.createContext(RPC_PATH, this::handle);
    this.http.start();
    this.rpcUrl = URI.create("http://" + http.getAddress().getAddress().getHostAddress() + ":"
        + http.getAddress().getPort() + RPC_PATH);
    LOG.info("Lotus stand-in (tests and devnet only) listening on {}", rpcUrl);
  }

  /**
   * Starts a stand-in on 127.0.0.1 at an ephemeral port, at epoch 0.
   *
   * @param token the bearer token every request must carry (non-empty)
   * @param network the prefix the stand-in prints addresses with ({@code t} for a devnet)
   * @throws CodException INVALID_INPUT for an empty token; INTERNAL if no port can be bound
   */
  public static LocalLotusServer start(String token, Network network) {
    return start(token, network, 0);
  }

  /**
   * Starts a stand-in on 127.0.0.1 at {@code port} (0 = ephemeral), at epoch 0.
   *
   * @throws CodException INVALID_INPUT for an empty token or a port outside 0..65535; INTERNAL if
   *     the port cannot be bound
   */
  public static LocalLotusServer start(String token, Network network, int port) {
    if (port < 0 || port > 65535) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected a port from 0 to 65535, found "
          + port);
    }
    try {
      return new LocalLotusServer(token, network == null ? Network.TESTNET : network, port);
    } catch (IOException e) {
      throw new CodException(ErrorCode.INTERNAL, "could not start the Lotus stand-in on"
          + " 127.0.0.1:" + port + ": " + e.getMessage() + "; choose another port or 0", e);
    }
  }

  /** The API URL, {@code http://127.0.0.1:<port>/rpc/v1}. */
  public URI rpcUrl() {
    return rpcUrl;
  }

  /** The network whose prefix the stand-in prints addresses with. */
  public Network network() {
    return network;
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "LocalLotusServer[" + rpcUrl + ", stand-in for tests and devnet]";
  }

  // ---------------------------------------------------------------- state set-up

  /** The current head epoch. */
  public synchronized long headEpoch() {
    return head;
  }

  /** The current head tipset (synthetic key). */
  public synchronized TipSet head() {
    return new TipSet(tipSetKeyAt(head), head);
  }

  /**
   * Moves the head to {@code epoch}, landing the messages due on the way.
   *
   * @throws CodException INVALID_INPUT for an epoch before the head (the stand-in has no reorgs)
   */
  public synchronized TipSet setHeadEpoch(long epoch) {
    if (epoch < head) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected an epoch >= the head " + head
          + ", found " + epoch + ": the stand-in chain only moves forward");
    }
    while (head < epoch) {
      head++;
      landMessagesAt(head);
    }
    return head();
  }

  /** Moves the head {@code epochs} (>= 0) forward. */
  public synchronized TipSet advance(long epochs) {
    if (epochs < 0) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected epochs >= 0, found " + epochs);
    }
    return setHeadEpoch(head + epochs);
  }

  /**
   * Registers a miner actor with its info; its owner, worker and control addresses should be f0
   * addresses, as Lotus reports them.
   *
   * @throws CodException INVALID_INPUT if {@code minerId} is not an f0 address
   */
  public synchronized void putMiner(FilecoinAddress minerId, MinerInfo info) {
    long id = requireId(minerId, "miner");
    Actor actor = actors.computeIfAbsent(id, i -> new Actor(i, null));
    actor.miner = true;
    nextActorId = Math.max(nextActorId, id + 1);
    miners.put(id, info);
  }

  /**
   * Binds a robust address (f1, f2, f3 or f4) to actor ID {@code id}, as the init actor does when
   * an account or contract is created.
   *
   * @throws CodException INVALID_INPUT if {@code id} is not f0, {@code robust} is f0, or either is
   *     already bound otherwise
   */
  public synchronized void putActor(FilecoinAddress id, FilecoinAddress robust) {
    long actorId = requireId(id, "actor");
    if (robust.protocol() == Protocol.ID) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected a robust (f1/f2/f3/f4) address"
          + " to bind to " + id + ", found the ID address " + robust);
    }
    Long bound = robustToId.get(key(robust));
    Actor existing = actors.get(actorId);
    if ((bound != null && bound != actorId)
        || (existing != null && existing.robust != null && !existing.robust.sameActorAs(robust))) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected " + robust + " and " + id
          + " to be unbound or bound to each other, found another binding");
    }
    Actor actor = new Actor(actorId, robust);
    if (existing != null) {
      actor.balance = existing.balance;
      actor.nextNonce = existing.nextNonce;
      actor.wallet = existing.wallet;
      actor.miner = existing.miner;
    }
    actors.put(actorId, actor);
    robustToId.put(key(robust), actorId);
    nextActorId = Math.max(nextActorId, actorId + 1);
  }

  /**
   * Makes {@code keyAddress} a wallet address the stand-in "signs" for, funded with {@code
   * balance} attoFIL; creates its account (next free ID) if it has none.
   *
   * @return the account's f0 address
   * @throws CodException INVALID_INPUT for an f0/f2 address or a negative balance
   */
  public synchronized FilecoinAddress addWallet(FilecoinAddress keyAddress, BigInteger balance) {
    if (keyAddress.protocol() == Protocol.ID || keyAddress.protocol() == Protocol.ACTOR) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected a wallet key address (f1, f3 or"
          + " f410f), found " + keyAddress);
    }
    Actor actor = accountFor(keyAddress);
    actor.wallet = true;
    actor.balance = Checks.nonNegative(balance, "balance");
    return idAddress(actor.id);
  }

  /**
   * Sets the balance of an existing actor, or of a new account for an f1/f3/f4 address.
   *
   * @throws CodException INVALID_INPUT for an unknown f0/f2 address or a negative balance
   */
  public synchronized void setBalance(FilecoinAddress address, BigInteger attoFil) {
    Checks.nonNegative(attoFil, "balance");
    Actor actor = findActor(address).orElseGet(() -> {
      if (address.protocol() == Protocol.ID || address.protocol() == Protocol.ACTOR) {
        throw new CodException(ErrorCode.INVALID_INPUT, "no actor " + address
            + " in the stand-in: register it with putActor or putMiner first");
      }
      return accountFor(address);
    });
    actor.balance = attoFil;
  }

  /** The balance of {@code address} in attoFIL (0 for an unknown actor, as Lotus answers). */
  public synchronized BigInteger balance(FilecoinAddress address) {
    return findActor(address).map(a -> a.balance).orElse(BigInteger.ZERO);
  }

  /**
   * Records a published storage deal: piece {@code pieceCid} of {@code pieceSize} bytes stored by
   * miner {@code provider} for {@code client} from {@code startEpoch} to {@code endEpoch}, free,
   * not verified, not yet activated.
   *
   * @throws CodException INVALID_INPUT for a negative deal ID or bad terms
   */
  public synchronized MarketDeal recordDeal(long dealId, FilecoinCid pieceCid, long pieceSize,
      FilecoinAddress client, FilecoinAddress provider, long startEpoch, long endEpoch) {
    DealProposal proposal = new DealProposal(pieceCid, pieceSize, false, client, provider, "",
        startEpoch, endEpoch, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO);
    MarketDeal deal = new MarketDeal(proposal, DealState.NOT_ACTIVATED);
    putDeal(dealId, deal);
    return deal;
  }

  /** Stores {@code deal} under {@code dealId} (>= 0), replacing any deal there. */
  public synchronized void putDeal(long dealId, MarketDeal deal) {
    if (dealId < 0) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected a deal ID >= 0, found " + dealId);
    }
    deals.put(dealId, Checks.notNull(deal, "deal"));
  }

  /** Marks deal {@code dealId} activated in {@code sectorNumber} at {@code epoch}. */
  public synchronized MarketDeal activateDeal(long dealId, long sectorNumber, long epoch) {
    MarketDeal deal = requireDeal(dealId);
    DealState s = deal.state();
    MarketDeal updated = new MarketDeal(deal.proposal(),
        new DealState(sectorNumber, epoch, s.lastUpdatedEpoch(), s.slashEpoch()));
    deals.put(dealId, updated);
    return updated;
  }

  /** Marks deal {@code dealId} slashed at {@code epoch}. */
  public synchronized MarketDeal slashDeal(long dealId, long epoch) {
    MarketDeal deal = requireDeal(dealId);
    DealState s = deal.state();
    MarketDeal updated = new MarketDeal(deal.proposal(),
        new DealState(s.sectorNumber(), s.sectorStartEpoch(), epoch, epoch));
    deals.put(dealId, updated);
    return updated;
  }

  /** Removes deal {@code dealId}, as the market actor does after expiry or slashing. */
  public synchronized void removeDeal(long dealId) {
    deals.remove(dealId);
  }

  /** The messages pushed so far, in push order. */
  public synchronized List<SignedMessage> pushedMessages() {
    List<SignedMessage> out = new ArrayList<>();
    messages.values().forEach(p -> out.add(p.signed));
    return out;
  }

  // ---------------------------------------------------------------- the API

  /**
   * The stand-in's method table: Lotus API v1 names, one JSON value per positional parameter.
   * jsonrpc4j dispatches on name and parameter count (so {@code FilecoinAddressToEthAddress}
   * takes one or two). Public only because jsonrpc4j calls it by reflection.
   */
  public interface LotusV1 {
    @JsonRpcMethod("Filecoin.ChainHead")
    JsonNode chainHead();

    @JsonRpcMethod("Filecoin.StateMarketStorageDeal")
    JsonNode stateMarketStorageDeal(JsonNode dealId, JsonNode tipSetKey);

    @JsonRpcMethod("Filecoin.StateMinerInfo")
    JsonNode stateMinerInfo(JsonNode miner, JsonNode tipSetKey);

    @JsonRpcMethod("Filecoin.StateLookupID")
    JsonNode stateLookupId(JsonNode address, JsonNode tipSetKey);

    @JsonRpcMethod("Filecoin.StateAccountKey")
    JsonNode stateAccountKey(JsonNode address, JsonNode tipSetKey);

    @JsonRpcMethod("Filecoin.EthAddressToFilecoinAddress")
    JsonNode ethAddressToFilecoinAddress(JsonNode ethAddress);

    @JsonRpcMethod("Filecoin.FilecoinAddressToEthAddress")
    JsonNode filecoinAddressToEthAddress(JsonNode address);

    @JsonRpcMethod("Filecoin.FilecoinAddressToEthAddress")
    JsonNode filecoinAddressToEthAddress(JsonNode address, JsonNode blockParameter);

    @JsonRpcMethod("Filecoin.WalletBalance")
    JsonNode walletBalance(JsonNode address);

    @JsonRpcMethod("Filecoin.MpoolPushMessage")
    JsonNode mpoolPushMessage(JsonNode message, JsonNode spec);

    @JsonRpcMethod("Filecoin.StateWaitMsg")
    JsonNode stateWaitMsg(JsonNode cid, JsonNode confidence, JsonNode limit, JsonNode allowReplaced);
  }

  private final class Api implements LotusV1 {
    @Override
    public JsonNode chainHead() {
      return LotusJson.tipSetJson(head());
    }

    @Override
    public JsonNode stateMarketStorageDeal(JsonNode dealId, JsonNode tipSetKey) {
      long id = LotusJson.longValue(dealId, "dealId");
      LotusJson.tipSetKey(tipSetKey, "tipSetKey");
      synchronized (LocalLotusServer.this) {
        MarketDeal deal = deals.get(id);
        if (deal == null) {
          throw lotusError("deal " + id + " not found - deal may not have completed sealing"
              + " before deal proposal start epoch, or deal may have been slashed");
        }
        return LotusJson.marketDealJson(deal, network);
      }
    }

    @Override
    public JsonNode stateMinerInfo(JsonNode miner, JsonNode tipSetKey) {
      FilecoinAddress address = LotusJson.address(miner, "miner");
      LotusJson.tipSetKey(tipSetKey, "tipSetKey");
      synchronized (LocalLotusServer.this) {
        MinerInfo info = findActor(address).filter(a -> a.miner).map(a -> miners.get(a.id))
            .orElseThrow(() -> lotusError("failed to load miner actor: actor not found"));
        return LotusJson.minerInfoJson(info, network);
      }
    }

    @Override
    public JsonNode stateLookupId(JsonNode address, JsonNode tipSetKey) {
      FilecoinAddress a = LotusJson.address(address, "address");
      LotusJson.tipSetKey(tipSetKey, "tipSetKey");
      synchronized (LocalLotusServer.this) {
        if (a.protocol() == Protocol.ID) {
          return text(a.withNetwork(network).toString());
        }
        Actor actor = findActor(a).orElseThrow(() -> notFound(a));
        return text(idAddress(actor.id).toString());
      }
    }

    @Override
    public JsonNode stateAccountKey(JsonNode address, JsonNode tipSetKey) {
      FilecoinAddress a = LotusJson.address(address, "address");
      LotusJson.tipSetKey(tipSetKey, "tipSetKey");
      if (a.protocol() == Protocol.SECP256K1 || a.protocol() == Protocol.BLS) {
        return text(a.withNetwork(network).toString());
      }
      synchronized (LocalLotusServer.this) {
        Actor actor = findActor(a).orElseThrow(() -> notFound(a));
        if (actor.robust == null || actor.robust.protocol() == Protocol.ACTOR) {
          throw lotusError("failed to get account actor state for " + idAddress(actor.id)
              + ": actor code is not account: " + (actor.miner ? "storageminer" : "unknown"));
        }
        return text(actor.robust.withNetwork(network).toString());
      }
    }

    @Override
    public JsonNode ethAddressToFilecoinAddress(JsonNode ethAddress) {
      String eth = LotusJson.text(ethAddress, "ethAddress");
      try {
        return text(FilecoinAddress.fromEthAddress(network, eth).toString());
      } catch (CodException e) {
        throw lotusError("invalid Ethereum address: " + e.getMessage());
      }
    }

    @Override
    public JsonNode filecoinAddressToEthAddress(JsonNode address) {
      return filecoinAddressToEthAddress(address, text("finalized"));
    }

    @Override
    public JsonNode filecoinAddressToEthAddress(JsonNode address, JsonNode blockParameter) {
      FilecoinAddress a = LotusJson.address(address, "filecoinAddress");
      String block = LotusJson.text(blockParameter, "blkNum");
      if (!BLOCK_PARAM.matcher(block).matches()) {
        throw lotusError("invalid block param: " + block);
      }
      if (a.hasEthAddress()) {
        return text(a.toEthAddress());
      }
      if (a.protocol() == Protocol.DELEGATED) {
        throw lotusError("f4 addresses with namespace " + a.namespace()
            + " and a sub-address of " + a.subaddress().length
            + " bytes have no Ethereum address");
      }
      synchronized (LocalLotusServer.this) {
        Actor actor = findActor(a).orElseThrow(() -> notFound(a));
        return text(idAddress(actor.id).toEthAddress());
      }
    }

    @Override
    public JsonNode walletBalance(JsonNode address) {
      return text(balance(LotusJson.address(address, "address")).toString());
    }

    @Override
    public JsonNode mpoolPushMessage(JsonNode message, JsonNode spec) {
      Message m = LotusJson.message(message, "msg");
      MessageSendSpec s = LotusJson.sendSpec(spec);
      return LotusJson.signedMessageJson(push(m, s), network);
    }

    @Override
    public JsonNode stateWaitMsg(JsonNode cid, JsonNode confidence, JsonNode limit,
        JsonNode allowReplaced) {
      FilecoinCid c = LotusJson.cid(cid, "cid");
      long conf = LotusJson.longValue(confidence, "confidence");
      long lookback = LotusJson.longValue(limit, "limit");
      if (allowReplaced == null || !allowReplaced.isBoolean()) {
        throw lotusError("expected allowReplaced as true or false");
      }
      return LotusJson.msgLookupJson(waitFor(c, conf, lookback));
    }
  }

  // ---------------------------------------------------------------- messages

  private synchronized SignedMessage push(Message m, MessageSendSpec spec) {
    if (!spec.msgUuid().equals(MessageSendSpec.NIL_UUID) && byUuid.containsKey(spec.msgUuid())) {
      return messages.get(byUuid.get(spec.msgUuid())).signed;
    }
    if (m.nonce() != 0) {
      throw lotusError("MpoolPushMessage expects message nonce to be 0, was " + m.nonce());
    }
    Actor sender = findActor(m.from()).filter(a -> a.wallet)
        .orElseThrow(() -> lotusError("mpool push: failed to sign message: key not found for "
            + m.from().withNetwork(network)));
    long gasLimit = m.gasLimit() == 0 ? GAS_LIMIT_ESTIMATE : m.gasLimit();
    BigInteger premium = m.gasPremium().signum() == 0 ? DEFAULT_GAS_PREMIUM : m.gasPremium();
    BigInteger feeCap = m.gasFeeCap().signum() == 0
        ? BASE_FEE.multiply(BigInteger.TWO).add(premium) : m.gasFeeCap();
    if (spec.maxFee().signum() > 0) {
      BigInteger capByMaxFee = spec.maxFee().divide(BigInteger.valueOf(gasLimit));
      if (feeCap.compareTo(capByMaxFee) > 0) {
        feeCap = capByMaxFee;
        premium = premium.min(feeCap);
      }
    }
    Message filled = m.withNonceAndGas(sender.nextNonce, gasLimit, feeCap, premium);
    BigInteger pending = BigInteger.ZERO;
    for (Pushed p : messages.values()) {
      if (p.receipt == null && p.signed.message().from().sameActorAs(filled.from())) {
        pending = pending.add(p.signed.message().maxCost());
      }
    }
    BigInteger available = sender.balance.subtract(pending);
    if (available.compareTo(filled.maxCost()) < 0) {
      throw lotusError("mpool push: failed to push message: not enough funds (required: "
          + fil(filled.maxCost()) + " FIL, balance: " + fil(available.max(BigInteger.ZERO))
          + " FIL)");
    }
    sender.nextNonce++;
    int sigType = switch (filled.from().protocol()) {
      case BLS -> Signature.BLS;
      case DELEGATED -> Signature.DELEGATED;
      default -> Signature.SECP256K1;
    };
    SignedMessage signed = new SignedMessage(filled, new Signature(sigType, new byte[0]),
        filled.cid());
    messages.put(signed.cid(), new Pushed(signed, head + 1));
    if (!spec.msgUuid().equals(MessageSendSpec.NIL_UUID)) {
      byUuid.put(spec.msgUuid(), signed.cid());
    }
    LOG.info("stand-in accepted message {} (nonce {}), lands at epoch {}", signed.cid(),
        filled.nonce(), head + 1);
    return signed;
  }

  private synchronized MsgLookup waitFor(FilecoinCid cid, long confidence, long lookback) {
    Pushed p = messages.get(cid);
    if (p == null) {
      throw lotusError("message " + cid + " was never pushed to this stand-in (a real Lotus node"
          + " would wait for it)");
    }
    if (confidence < 0) {
      throw lotusError("expected confidence >= 0, found " + confidence);
    }
    if (lookback >= 0 && p.receipt != null && head - p.landsAt > lookback) {
      throw lotusError("message " + cid + " landed at epoch " + p.landsAt
          + ", beyond the lookback limit of " + lookback + " epochs from the head " + head);
    }
    setHeadEpoch(Math.max(head, p.landsAt + confidence));
    return new MsgLookup(cid, p.receipt, tipSetKeyAt(p.landsAt), p.landsAt);
  }

  private void landMessagesAt(long epoch) {
    for (Pushed p : messages.values()) {
      if (p.landsAt != epoch || p.receipt != null) {
        continue;
      }
      Message m = p.signed.message();
      Actor sender = findActor(m.from()).orElseThrow();
      BigInteger gasPrice = m.gasFeeCap().min(BASE_FEE.add(m.gasPremium()));
      sender.balance = sender.balance.subtract(gasPrice.multiply(BigInteger.valueOf(GAS_USED)));
      long exitCode = 0;
      if (m.method() != Message.METHOD_SEND) {
        exitCode = EXIT_USR_UNHANDLED_MESSAGE;
      } else {
        Optional<Actor> receiver = findActor(m.to());
        if (receiver.isEmpty() && (m.to().protocol() == Protocol.ID
            || m.to().protocol() == Protocol.ACTOR)) {
          exitCode = EXIT_SYS_INVALID_RECEIVER;
        } else {
          Actor to = receiver.orElseGet(() -> accountFor(m.to()));
          sender.balance = sender.balance.subtract(m.value());
          to.balance = to.balance.add(m.value());
        }
      }
      p.receipt = new Receipt(exitCode, new byte[0], GAS_USED);
      LOG.info("stand-in message {} landed at epoch {} with exit code {}", p.signed.cid(), epoch,
          exitCode);
    }
  }

  // ---------------------------------------------------------------- helpers

  private Optional<Actor> findActor(FilecoinAddress address) {
    if (address.protocol() == Protocol.ID) {
      return Optional.ofNullable(actors.get(address.actorId()));
    }
    Long id = robustToId.get(key(address));
    return id == null ? Optional.empty() : Optional.ofNullable(actors.get(id));
  }

  private Actor accountFor(FilecoinAddress robust) {
    Optional<Actor> existing = findActor(robust);
    if (existing.isPresent()) {
      return existing.get();
    }
    while (actors.containsKey(nextActorId)) {
      nextActorId++;
    }
    Actor actor = new Actor(nextActorId++, robust);
    actors.put(actor.id, actor);
    robustToId.put(key(robust), actor.id);
    return actor;
  }

  private MarketDeal requireDeal(long dealId) {
    MarketDeal deal = deals.get(dealId);
    if (deal == null) {
      throw new CodException(ErrorCode.INVALID_INPUT, "no deal " + dealId
          + " in the stand-in: record it with recordDeal or putDeal first");
    }
    return deal;
  }

  private FilecoinAddress idAddress(long id) {
    return FilecoinAddress.id(network, id);
  }

  private TipSetKey tipSetKeyAt(long epoch) {
    return TipSetKey.of(FilecoinCid.ofDagCbor(
        ("cod-local-lotus/tipset/" + epoch).getBytes(StandardCharsets.UTF_8)));
  }

  private static long requireId(FilecoinAddress address, String what) {
    if (address.protocol() != Protocol.ID) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected the " + what
          + "'s f0 ID address, found " + address);
    }
    return address.actorId();
  }

  private static String key(FilecoinAddress address) {
    return HexFormat.of().formatHex(address.bytes());
  }

  private LotusError notFound(FilecoinAddress a) {
    String shown = a.withNetwork(network).toString();
    return lotusError("resolution lookup failed (" + shown + "): resolve address " + shown
        + ": actor not found");
  }

  private static String fil(BigInteger attoFil) {
    return new BigDecimal(attoFil).movePointLeft(18).stripTrailingZeros().toPlainString();
  }

  private static JsonNode text(String value) {
    return LotusJson.MAPPER.getNodeFactory().textNode(value);
  }

  private static LotusError lotusError(String message) {
    return new LotusError(message);
  }

  /** An error the stand-in answers with, as Lotus does: code 1 and a message. */
  private static final class LotusError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LotusError(String message) {
      super(message, null, false, false);
    }
  }

  private ErrorResolver.JsonError resolveError(Throwable t, java.lang.reflect.Method method,
      List<JsonNode> arguments) {
    Throwable cause = t instanceof InvocationTargetException ite && ite.getCause() != null
        ? ite.getCause() : t;
    if (cause instanceof LotusError || cause instanceof CodException) {
      return new ErrorResolver.JsonError(LOTUS_ERROR, cause.getMessage(), null);
    }
    LOG.error("Lotus stand-in failed on {}", method == null ? "?" : method.getName(), cause);
    return new ErrorResolver.JsonError(LOTUS_ERROR, "stand-in internal error: " + cause, null);
  }

  // ---------------------------------------------------------------- HTTP

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().add("Allow", "POST");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !MessageDigest.isEqual(
          auth.getBytes(StandardCharsets.UTF_8), expectedAuthorization)) {
        LOG.warn("refused a request from {}: {}", exchange.getRemoteAddress(),
            auth == null ? "no bearer token" : "wrong bearer token");
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      byte[] body = readLimited(exchange.getRequestBody());
      if (body == null) {
        exchange.sendResponseHeaders(413, -1);
        return;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      rpc.handleRequest(new ByteArrayInputStream(body), out);
      byte[] response = out.toByteArray();
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, response.length == 0 ? -1 : response.length);
      if (response.length > 0) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(response);
        }
      }
    }
  }

  private static byte[] readLimited(InputStream in) throws IOException {
    byte[] data = in.readNBytes(MAX_REQUEST_BYTES + 1);
    return data.length > MAX_REQUEST_BYTES ? null : data;
  }
}
