package dev.cod.node;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.node.exec.ResultLayout;
import dev.cod.node.exec.wasm.WasmConfig;
import dev.cod.payments.FilAmount;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A provider node's configuration: environment ({@code COD_} + the key in upper snake case, e.g.
 * {@code COD_RPC_URL}) over the YAML file over defaults.
 *
 * @param name a label for logs
 * @param rpcUrl the chain's JSON-RPC endpoint (Lotus {@code /rpc/v1}, or a Hardhat node)
 * @param market the JobMarket's 0x address
 * @param startBlock the market's deployment block, where the event scan starts
 * @param keystore Ethereum keystore v3 file of the provider's account
 * @param passwordFile file holding the keystore's password (never on the command line)
 * @param ipfsApi the Kubo RPC API, on loopback (e.g. http://127.0.0.1:5001)
 * @param dockerHost the Docker engine's local socket
 * @param dataDir where the node keeps its H2 database and job work directories
 * @param minerId the SP's miner actor ID
 * @param price what the node bids per job
 * @param stake stake the node keeps deposited
 * @param pollInterval time between rounds (event poll + job steps)
 * @param confirmations blocks an event must be buried under before the node acts on it
 * @param maxInputBytes most input bytes fetched per job
 * @param wasm how WASM jobs run: YAML {@code wasmMode} ({@code compiler}, the default, or {@code
 *     interpreter}) and {@code wasmMaxOutputEntries} (most files plus directories a job may write
 *     under {@code /outputs}; default and most {@link dev.cod.node.exec.ResultLayout#MAX_OUTPUT_ENTRIES})
 * @param filecoin Lotus and booster-http for piece jobs: YAML {@code lotusUrl}, {@code
 *     lotusTokenFile}, {@code boosterHttpUrl}, {@code deals} (a list of deal IDs; in the
 *     environment, comma-separated) and {@code dealsFile}; {@link FilecoinConfig#DISABLED} when
 *     absent
 */
public record NodeConfig(String name, String rpcUrl, String market, long startBlock, Path keystore, Path passwordFile,
    URI ipfsApi, URI dockerHost, Path dataDir, long minerId, FilAmount price, FilAmount stake, Duration pollInterval,
    int confirmations, long maxInputBytes, WasmConfig wasm, FilecoinConfig filecoin) {
  public NodeConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(rpcUrl, "rpcUrl");
    Objects.requireNonNull(market, "market");
    Objects.requireNonNull(keystore, "keystore");
    Objects.requireNonNull(passwordFile, "passwordFile");
    Objects.requireNonNull(ipfsApi, "ipfsApi");
    Objects.requireNonNull(dockerHost, "dockerHost");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(price, "price");
    Objects.requireNonNull(stake, "stake");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(wasm, "wasm");
    Objects.requireNonNull(filecoin, "filecoin");
    if (!market.matches("0x[0-9a-fA-F]{40}")) {
      throw invalid("market", "a 0x address of 40 hex digits", market);
    }
    if (!"127.0.0.1".equals(ipfsApi.getHost()) && !"localhost".equals(ipfsApi.getHost())) {
      throw invalid("ipfsApi", "a loopback URL: the Kubo RPC API is admin-level", ipfsApi.toString());
    }
    if (!"unix".equals(dockerHost.getScheme())) {
      throw invalid("dockerHost", "a local unix:// socket", dockerHost.toString());
    }
    if (startBlock < 0 || minerId < 0 || confirmations < 0 || maxInputBytes < 1) {
      throw invalid("startBlock/minerId/confirmations/maxInputBytes", "non-negative values", "a negative one");
    }
  }

  /** Reads the YAML file, then lets {@code env} override any key. */
  public static NodeConfig load(Path file, Map<String, String> env) {
    JsonNode y;
    try {
      // Floats as BigDecimal: a unit-less price like 0.123456789012345678 stays exact.
      y = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .readTree(file.toFile());
    } catch (IOException e) {
      throw new CodException(ErrorCode.INVALID_INPUT, "cannot read node config " + file + ": " + e.getMessage(), e);
    }
    if (y == null || !y.isObject()) {
      throw new CodException(ErrorCode.INVALID_INPUT, "node config " + file + " must be a YAML mapping");
    }
    Path base = file.toAbsolutePath().getParent();
    Values v = new Values(y, env);
    return new NodeConfig(
        v.get("name", "provider"),
        v.required("rpcUrl"),
        v.required("market"),
        Long.parseLong(v.get("startBlock", "0")),
        base.resolve(v.required("keystore")),
        base.resolve(v.required("passwordFile")),
        URI.create(v.get("ipfsApi", "http://127.0.0.1:5001")),
        URI.create(v.get("dockerHost", "unix:///var/run/docker.sock")),
        base.resolve(v.get("dataDir", "node-data")),
        Long.parseLong(v.get("minerId", "0")),
        FilAmount.parse(v.required("price")),
        FilAmount.parse(v.get("stake", "1 FIL")),
        Duration.ofMillis(Long.parseLong(v.get("pollIntervalMillis", "500"))),
        Integer.parseInt(v.get("confirmations", "0")),
        Long.parseLong(v.get("maxInputBytes", String.valueOf(1L << 30))),
        wasm(v),
        filecoin(v, base));
  }

  private static FilecoinConfig filecoin(Values v, Path base) {
    String lotus = v.get("lotusUrl", null);
    String token = v.get("lotusTokenFile", null);
    String booster = v.get("boosterHttpUrl", null);
    java.util.List<Long> deals = new java.util.ArrayList<>();
    String list = v.get("deals", "");
    for (String d : list.split(",")) {
      if (!d.isBlank()) {
        try {
          deals.add(Long.parseLong(d.trim()));
        } catch (NumberFormatException e) {
          throw invalid("deals", "a list of deal IDs", "\"" + list + "\"");
        }
      }
    }
    String dealsFile = v.get("dealsFile", null);
    return new FilecoinConfig(lotus == null ? null : URI.create(lotus), token == null ? null : base.resolve(token),
        booster == null ? null : URI.create(booster), deals, dealsFile == null ? null : base.resolve(dealsFile));
  }

  private static WasmConfig wasm(Values v) {
    String mode = v.get("wasmMode", "compiler");
    WasmConfig.Mode parsed = switch (mode) {
      case "compiler" -> WasmConfig.Mode.COMPILER;
      case "interpreter" -> WasmConfig.Mode.INTERPRETER;
      default -> throw invalid("wasmMode", "compiler or interpreter", mode);
    };
    String entries = v.get("wasmMaxOutputEntries", String.valueOf(ResultLayout.MAX_OUTPUT_ENTRIES));
    try {
      return WasmConfig.DEFAULT.withMode(parsed).withMaxOutputEntries(Integer.parseInt(entries));
    } catch (IllegalArgumentException e) { // NumberFormatException too
      throw invalid("wasmMaxOutputEntries", "a whole number from 1 to " + ResultLayout.MAX_OUTPUT_ENTRIES, entries);
    }
  }

  private record Values(JsonNode yaml, Map<String, String> env) {
    String get(String key, String fallback) {
      String envKey = "COD_" + key.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase();
      String fromEnv = env.get(envKey);
      if (fromEnv != null && !fromEnv.isBlank()) {
        return fromEnv;
      }
      JsonNode n = yaml.get(key);
      if (n != null && n.isArray()) { // a list, as the environment writes it: comma-separated
        java.util.List<String> items = new java.util.ArrayList<>();
        n.forEach(item -> items.add(item.isNumber() ? item.decimalValue().toPlainString() : item.asText()));
        return String.join(",", items);
      }
      return n == null || n.isNull() ? fallback : n.isNumber() ? n.decimalValue().toPlainString() : n.asText();
    }

    String required(String key) {
      String value = get(key, null);
      if (value == null || value.isBlank()) {
        throw invalid(key, "a value (in the file or COD_ environment)", "nothing");
      }
      return value;
    }
  }

  private static CodException invalid(String key, String expected, String found) {
    return new CodException(ErrorCode.INVALID_INPUT, "node config '" + key + "': expected " + expected + ", found " + found);
  }
}
