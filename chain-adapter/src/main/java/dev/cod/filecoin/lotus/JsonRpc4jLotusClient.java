package dev.cod.filecoin.lotus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.googlecode.jsonrpc4j.JsonRpcClient;
import com.googlecode.jsonrpc4j.JsonRpcClientException;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.common.RetriableCodException;
import dev.cod.filecoin.FilecoinAddress;
import dev.cod.filecoin.FilecoinCid;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LotusClient} over HTTP: jsonrpc4j 1.7's {@link JsonRpcClient} writes the JSON-RPC 2.0
 * requests and reads the answers (result or error object); the JDK's {@link HttpClient} carries
 * them, so that the HTTP status (401 for a refused token) and timeouts are seen and mapped.
 *
 * <p>The API token is sent as {@code Authorization: Bearer <token>}, as Lotus's go-jsonrpc {@code
 * auth.Handler} expects; it is never logged, never part of {@link #toString()} or of an exception
 * message. An empty token sends no header (Lotus then allows "read" methods only).
 *
 * <p>{@code Filecoin.StateWaitMsg} blocks on the Lotus side until the message lands, so it gets
 * its own, longer timeout.
 */
public final class JsonRpc4jLotusClient implements LotusClient {
  /** The default timeout of an ordinary call. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);
  /** The default timeout of {@code StateWaitMsg}: mainnet epochs are 30 s apart. */
  public static final Duration DEFAULT_WAIT_TIMEOUT = Duration.ofMinutes(10);

  private static final Logger LOG = LoggerFactory.getLogger(JsonRpc4jLotusClient.class);
  private static final String PREFIX = "Filecoin.";

  private final URI rpcUrl;
  private final String authorization;
  private final Duration callTimeout;
  private final Duration waitTimeout;
  private final HttpClient http;
  private final JsonRpcClient rpc;
  private final AtomicLong ids = new AtomicLong();

  /** A client with the default timeouts. */
  public JsonRpc4jLotusClient(URI rpcUrl, String token) {
    this(rpcUrl, token, DEFAULT_CALL_TIMEOUT, DEFAULT_WAIT_TIMEOUT);
  }

  /**
   * @param rpcUrl the Lotus API v1 endpoint, e.g. {@code http://127.0.0.1:1234/rpc/v1}
   * @param token the Lotus API token (JWT from {@code lotus auth create-token}); "" for none
   * @param callTimeout the longest wait for an ordinary call's answer
   * @param waitTimeout the longest wait for {@code StateWaitMsg}'s answer
   * @throws CodException INVALID_INPUT for a URL that is not http(s) or a non-positive timeout
   */
  public JsonRpc4jLotusClient(URI rpcUrl, String token, Duration callTimeout,
      Duration waitTimeout) {
    Objects.requireNonNull(rpcUrl, "rpcUrl");
    Objects.requireNonNull(token, "token");
    if (!"http".equals(rpcUrl.getScheme()) && !"https".equals(rpcUrl.getScheme())) {
      throw new CodException(ErrorCode.INVALID_INPUT,
          "expected a Lotus API URL starting with http:// or https://, found " + rpcUrl);
    }
    if (callTimeout.isNegative() || callTimeout.isZero() || waitTimeout.isNegative()
        || waitTimeout.isZero()) {
      throw new CodException(ErrorCode.INVALID_INPUT,
          "expected positive Lotus timeouts, found " + callTimeout + " and " + waitTimeout);
    }
    this.rpcUrl = rpcUrl;
    this.authorization = token.isEmpty() ? null : "Bearer " + token;
    this.callTimeout = callTimeout;
    this.waitTimeout = waitTimeout;
    this.http = HttpClient.newBuilder().connectTimeout(callTimeout).build();
    this.rpc = new JsonRpcClient(LotusJson.MAPPER);
    this.rpc.setRequestIDGenerator(() -> Long.toString(ids.incrementAndGet()));
    // Build every error from the error object alone: never instantiate a class the server names.
    this.rpc.setExceptionResolver(response -> {
      JsonNode error = response.path("error");
      return new JsonRpcClientException(error.path("code").asInt(0),
          error.path("message").asText(""), error.get("data"));
    });
  }

  @Override
  public TipSet chainHead() {
    return decode("ChainHead", call("ChainHead", callTimeout), LotusJson::tipSet);
  }

  @Override
  public MarketDeal stateMarketStorageDeal(long dealId, TipSetKey tipSet) {
    if (dealId < 0) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected a deal ID >= 0, found " + dealId);
    }
    JsonNode result = call("StateMarketStorageDeal", callTimeout, LotusJson.MAPPER
        .getNodeFactory().numberNode(dealId), LotusJson.tipSetKeyJson(tipSet));
    return decode("StateMarketStorageDeal", result, LotusJson::marketDeal);
  }

  @Override
  public MinerInfo stateMinerInfo(FilecoinAddress miner, TipSetKey tipSet) {
    JsonNode result = call("StateMinerInfo", callTimeout, text(miner.toString()),
        LotusJson.tipSetKeyJson(tipSet));
    return decode("StateMinerInfo", result, LotusJson::minerInfo);
  }

  @Override
  public FilecoinAddress stateLookupId(FilecoinAddress address, TipSetKey tipSet) {
    JsonNode result = call("StateLookupID", callTimeout, text(address.toString()),
        LotusJson.tipSetKeyJson(tipSet));
    return decode("StateLookupID", result, n -> LotusJson.address(n, "result"));
  }

  @Override
  public FilecoinAddress stateAccountKey(FilecoinAddress address, TipSetKey tipSet) {
    JsonNode result = call("StateAccountKey", callTimeout, text(address.toString()),
        LotusJson.tipSetKeyJson(tipSet));
    return decode("StateAccountKey", result, n -> LotusJson.address(n, "result"));
  }

  @Override
  public FilecoinAddress ethAddressToFilecoinAddress(String ethAddress) {
    // Checked here so that a typo fails before the network, with cod's message.
    FilecoinAddress.fromEthAddress(FilecoinAddress.Network.MAINNET, ethAddress);
    JsonNode result = call("EthAddressToFilecoinAddress", callTimeout, text(ethAddress));
    return decode("EthAddressToFilecoinAddress", result, n -> LotusJson.address(n, "result"));
  }

  @Override
  public String filecoinAddressToEthAddress(FilecoinAddress address) {
    JsonNode result = call("FilecoinAddressToEthAddress", callTimeout, text(address.toString()));
    return decode("FilecoinAddressToEthAddress", result, JsonRpc4jLotusClient::ethAddress);
  }

  @Override
  public String filecoinAddressToEthAddress(FilecoinAddress address, String blockParameter) {
    Objects.requireNonNull(blockParameter, "blockParameter");
    JsonNode result = call("FilecoinAddressToEthAddress", callTimeout, text(address.toString()),
        text(blockParameter));
    return decode("FilecoinAddressToEthAddress", result, JsonRpc4jLotusClient::ethAddress);
  }

  @Override
  public BigInteger walletBalance(FilecoinAddress address) {
    JsonNode result = call("WalletBalance", callTimeout, text(address.toString()));
    return decode("WalletBalance", result, n -> LotusJson.bigInt(n, "result"));
  }

  @Override
  public SignedMessage mpoolPushMessage(Message message, MessageSendSpec spec) {
    JsonNode result = call("MpoolPushMessage", callTimeout,
        LotusJson.messageJson(message, message.from().network()), LotusJson.sendSpecJson(spec));
    SignedMessage signed = decode("MpoolPushMessage", result, LotusJson::signedMessage);
    LOG.info("pushed message {} from {} to {} (method {}, nonce {})", signed.cid(),
        signed.message().from(), signed.message().to(), signed.message().method(),
        signed.message().nonce());
    return signed;
  }

  @Override
  public MsgLookup stateWaitMsg(FilecoinCid message, long confidence, long lookbackLimit,
      boolean allowReplaced) {
    if (confidence < 0 || lookbackLimit < -1) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected confidence >= 0 and lookback"
          + " limit >= -1 (no limit), found " + confidence + " and " + lookbackLimit);
    }
    var nodes = LotusJson.MAPPER.getNodeFactory();
    JsonNode result = call("StateWaitMsg", waitTimeout, LotusJson.cidJson(message),
        nodes.numberNode(confidence), nodes.numberNode(lookbackLimit),
        nodes.booleanNode(allowReplaced));
    return decode("StateWaitMsg", result, LotusJson::msgLookup);
  }

  /** The endpoint, never the token. */
  @Override
  public String toString() {
    return "JsonRpc4jLotusClient[" + rpcUrl + (authorization == null ? ", no token" : ", token set")
        + "]";
  }

  private JsonNode call(String method, Duration timeout, JsonNode... params) {
    String fullMethod = PREFIX + method;
    ArrayNode array = LotusJson.MAPPER.createArrayNode();
    for (JsonNode p : params) {
      array.add(p);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try {
      rpc.invoke(fullMethod, array, body);
    } catch (IOException e) {
      throw new CodException(ErrorCode.INTERNAL, "could not write the " + fullMethod
          + " request: " + e.getMessage(), e);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(rpcUrl)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    LOG.debug("calling {} at {}", fullMethod, rpcUrl);
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "Lotus at " + rpcUrl
          + " did not answer " + fullMethod + " within " + timeout.toSeconds()
          + " s: check that the node is up and synced, then retry", e);
    } catch (IOException e) {
      throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "could not reach Lotus at "
          + rpcUrl + " for " + fullMethod + ": " + e + "; check the URL and that lotus daemon"
          + " is running", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE,
          "interrupted while waiting for Lotus's answer to " + fullMethod, e);
    }
    int status = response.statusCode();
    if (status == 401 || status == 403) {
      throw new CodException(ErrorCode.INVALID_INPUT, authorization == null
          ? "Lotus at " + rpcUrl + " requires an API token for " + fullMethod + " (HTTP " + status
              + "): configure one (lotus auth create-token --perm sign)"
          : "Lotus at " + rpcUrl + " refused the API token for " + fullMethod + " (HTTP " + status
              + "): expected a token issued by this node (lotus auth create-token --perm sign),"
              + " check the configured token");
    }
    try {
      JsonNode result = rpc.readResponse(JsonNode.class, new ByteArrayInputStream(response.body()));
      return result == null ? LotusJson.MAPPER.nullNode() : result;
    } catch (JsonRpcClientException e) {
      throw new LotusRpcException(fullMethod, e.getCode(), e.getMessage());
    } catch (Throwable e) {
      if (e instanceof Error err) {
        throw err;
      }
      if (status != 200) {
        throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "Lotus at " + rpcUrl
            + " answered " + fullMethod + " with HTTP " + status + " and no JSON-RPC body", e);
      }
      throw new CodException(ErrorCode.INTERNAL, "Lotus at " + rpcUrl + " answered "
          + fullMethod + " with something that is not a JSON-RPC response: " + e.getMessage(), e);
    }
  }

  private static <T> T decode(String method, JsonNode result,
      java.util.function.Function<JsonNode, T> decoder) {
    try {
      return decoder.apply(result);
    } catch (CodException e) {
      throw new CodException(ErrorCode.INTERNAL, "Lotus's answer to " + PREFIX + method
          + " is not in the documented shape: " + e.getMessage(), e);
    }
  }

  private static String ethAddress(JsonNode node) {
    String eth = LotusJson.text(node, "result");
    FilecoinAddress.fromEthAddress(FilecoinAddress.Network.MAINNET, eth);
    return eth.toLowerCase(java.util.Locale.ROOT);
  }

  private static JsonNode text(String value) {
    return LotusJson.MAPPER.getNodeFactory().textNode(value);
  }
}
