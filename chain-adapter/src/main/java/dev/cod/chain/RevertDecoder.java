package dev.cod.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cod.common.CodException;
import dev.cod.common.ContractRevertedException;
import dev.cod.common.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Decodes revert data into the contract's custom errors, from the contract's ABI (the
 * {@code type: "error"} entries; selector = first 4 bytes of keccak256 of the signature, as in
 * the Solidity ABI spec, "Errors").
 */
public final class RevertDecoder {
  private static final Pattern HEX_DATA = Pattern.compile("0x[0-9a-fA-F]{8,}");
  /** Lotus puts the revert data in the message: "... revert reason=..., vm error=... 0x..." (exit 33). */
  private static final Pattern REVERT_IN_MESSAGE = Pattern.compile("(?:revert|reverted)[^0]*?(0x[0-9a-fA-F]{8,})");

  private final Map<String, ErrorAbi> bySelector;

  private record ErrorAbi(String name, List<String> types) {}

  private RevertDecoder(Map<String, ErrorAbi> bySelector) {
    this.bySelector = Map.copyOf(bySelector);
  }

  /** The ABIs packaged with this module whose errors a market transaction can revert with. */
  private static final List<String> MARKET_ABIS = List.of(
      // the market's own errors
      "JobMarket",
      // the FVM oracles' errors (filecoin-solidity's ActorError, FailToCallActor...), which the
      // market lets through unchanged when an oracle cannot answer
      "FvmDealOracle", "FvmMinerOracle",
      // the devnet's test-double oracles, which the devnet deployer sends to (DevnetOracles)
      "MockDealOracle", "MockMinerOracle");

  /**
   * The decoder for the JobMarket contract and the oracles behind it, from the ABIs packaged with
   * this module: the market's custom errors, those of the FVM oracles that the market passes on,
   * and those of the devnet's test-double oracles.
   */
  public static RevertDecoder forJobMarket() {
    Map<String, ErrorAbi> map = new HashMap<>();
    for (String name : MARKET_ABIS) {
      map.putAll(fromAbiResource("/dev/cod/chain/contracts/" + name + ".abi").bySelector);
    }
    return new RevertDecoder(map);
  }

  static RevertDecoder fromAbiResource(String resource) {
    try (InputStream in = RevertDecoder.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new CodException(ErrorCode.INTERNAL, "ABI resource " + resource + " is missing from the class path");
      }
      return fromAbi(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new CodException(ErrorCode.INTERNAL, "cannot read ABI resource " + resource, e);
    }
  }

  static RevertDecoder fromAbi(JsonNode abi) {
    Map<String, ErrorAbi> map = new HashMap<>();
    for (JsonNode entry : abi) {
      if (!"error".equals(entry.path("type").asText())) {
        continue;
      }
      List<String> types = new ArrayList<>();
      for (JsonNode input : entry.path("inputs")) {
        types.add(input.path("type").asText());
      }
      String signature = entry.path("name").asText() + "(" + String.join(",", types) + ")";
      String selector = Hash.sha3String(signature).substring(0, 10);
      map.put(selector, new ErrorAbi(entry.path("name").asText(), types));
    }
    return new RevertDecoder(map);
  }

  /**
   * Finds revert data (0x-prefixed hex) in a JSON-RPC error: the {@code data} field as a hex
   * string (geth, Hardhat), as an object with a {@code data} field (some Hardhat versions), or
   * after "revert" in the message.
   *
   * @return the hex data if any is found
   */
  public static Optional<String> extractRevertData(Object data, String message) {
    if (data != null) {
      String text = data.toString().trim();
      if (text.startsWith("\"") && text.endsWith("\"")) {
        text = text.substring(1, text.length() - 1);
      }
      if (HEX_DATA.matcher(text).matches()) {
        return Optional.of(text);
      }
      if (text.startsWith("{")) {
        try {
          JsonNode inner = new ObjectMapper().readTree(text).path("data");
          if (inner.isTextual() && HEX_DATA.matcher(inner.asText()).matches()) {
            return Optional.of(inner.asText());
          }
        } catch (IOException e) {
          // not JSON: fall through to the message
        }
      }
    }
    if (message != null) {
      Matcher m = REVERT_IN_MESSAGE.matcher(message);
      if (m.find()) {
        return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }

  /**
   * Decodes revert data into a {@link ContractRevertedException}.
   *
   * @param action what was being done, for the message (e.g. {@code "bid(job 3)"})
   * @param revertData 0x-prefixed revert data: a 4-byte selector and ABI-encoded arguments
   */
  public ContractRevertedException decode(String action, String revertData) {
    if (revertData == null || revertData.length() < 10) {
      return new ContractRevertedException(action, "unknown", List.of(String.valueOf(revertData)));
    }
    String selector = revertData.substring(0, 10).toLowerCase();
    ErrorAbi error = bySelector.get(selector);
    if (error == null) {
      return new ContractRevertedException(action, "unknown", List.of(revertData));
    }
    List<TypeReference<Type>> refs = new ArrayList<>();
    for (String t : error.types()) {
      try {
        @SuppressWarnings("unchecked")
        TypeReference<Type> ref = (TypeReference<Type>) TypeReference.makeTypeReference(t);
        refs.add(ref);
      } catch (ClassNotFoundException e) {
        return new ContractRevertedException(action, error.name(), List.of(revertData));
      }
    }
    List<Type> values = FunctionReturnDecoder.decode("0x" + revertData.substring(10), refs);
    List<Object> args = new ArrayList<>();
    for (Type v : values) {
      Object value = v.getValue();
      if (value instanceof byte[] bytes) {
        args.add(Numeric.toHexString(bytes));
      } else if (value instanceof BigInteger || value instanceof String || value instanceof Boolean) {
        args.add(value);
      } else {
        args.add(String.valueOf(value));
      }
    }
    return new ContractRevertedException(action, error.name(), args);
  }
}
