package dev.cod.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the client commands need: the chain, the market, IPFS and the client's key. Resolved as
 * environment ({@code COD_RPC_URL}, {@code COD_MARKET}, {@code COD_START_BLOCK},
 * {@code COD_IPFS_API}, {@code COD_KEYSTORE}, {@code COD_PASSWORD_FILE}) over the YAML file named
 * by {@code --config} (default: {@code $COD_CONFIG}, else {@code .devnet/client.yaml}).
 *
 * @param startBlock the market's deployment block (event scans start there)
 */
public record ClientConfig(String rpcUrl, String market, long startBlock, URI ipfsApi, Path keystore, Path passwordFile) {
  static final Path DEVNET_DEFAULT = Path.of(".devnet", "client.yaml");

  /** Loads the config; {@code file} may be null for the default. */
  static ClientConfig load(Path file, Map<String, String> env) {
    Path path = file != null ? file
        : env.get("COD_CONFIG") != null ? Path.of(env.get("COD_CONFIG")) : DEVNET_DEFAULT;
    JsonNode y = null;
    if (Files.exists(path)) {
      try {
        y = new ObjectMapper(new YAMLFactory()).readTree(path.toFile());
      } catch (IOException e) {
        throw new CodException(ErrorCode.INVALID_INPUT, "cannot read client config " + path + ": " + e.getMessage(), e);
      }
    } else if (file != null) {
      throw new CodException(ErrorCode.INVALID_INPUT, "client config " + path + " does not exist");
    }
    Path base = path.toAbsolutePath().getParent();
    JsonNode yaml = y;
    java.util.function.BiFunction<String, String, String> get = (key, envKey) -> {
      String v = env.get(envKey);
      if (v != null && !v.isBlank()) {
        return v;
      }
      JsonNode n = yaml == null ? null : yaml.get(key);
      if (n == null || n.isNull()) {
        throw new CodException(ErrorCode.INVALID_INPUT, "client config needs '" + key + "' (in " + path
            + " or " + envKey + "); start a devnet with `cod devnet start` or pass --config");
      }
      return n.asText();
    };
    return new ClientConfig(get.apply("rpcUrl", "COD_RPC_URL"), get.apply("market", "COD_MARKET"),
        Long.parseLong(get.apply("startBlock", "COD_START_BLOCK")), URI.create(get.apply("ipfsApi", "COD_IPFS_API")),
        base.resolve(get.apply("keystore", "COD_KEYSTORE")), base.resolve(get.apply("passwordFile", "COD_PASSWORD_FILE")));
  }
}
