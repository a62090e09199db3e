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
import java.util.Optional;

/**
 * What the client commands need: the chain, the market, IPFS and the client's key. Resolved as
 * environment ({@code COD_RPC_URL}, {@code COD_MARKET}, {@code COD_START_BLOCK},
 * {@code COD_IPFS_API}, {@code COD_KEYSTORE}, {@code COD_PASSWORD_FILE}) over the YAML file named
 * by {@code --config} (default: {@code $COD_CONFIG}, else {@code .devnet/client.yaml}).
 *
 * @param startBlock the market's deployment block (event scans start there)
 * @param passwordFile the 0600 file holding the keystore's password, or null: then
 *     {@code $COD_WALLET_PASSWORD}, else a prompt (never a command-line argument)
 */
public record ClientConfig(String rpcUrl, String market, long startBlock, URI ipfsApi, Path keystore, Path passwordFile) {
  static final Path DEVNET_DEFAULT = Path.of(".devnet", "client.yaml");

  /** Loads the config; {@code file} may be null for the default. */
  static ClientConfig load(Path file, Map<String, String> env) {
    Source s = Source.open(file, env);
    return new ClientConfig(s.required("rpcUrl", "COD_RPC_URL"), s.required("market", "COD_MARKET"),
        Long.parseLong(s.required("startBlock", "COD_START_BLOCK")), URI.create(s.required("ipfsApi", "COD_IPFS_API")),
        s.path(s.required("keystore", "COD_KEYSTORE")),
        s.optional("passwordFile", "COD_PASSWORD_FILE").map(s::path).orElse(null));
  }

  /**
   * The client config's keys one by one: environment over the YAML file, paths relative to the
   * file's directory. For commands that need only part of it (a wallet's balance needs the chain,
   * funding needs Lotus).
   */
  static final class Source {
    private final Path path;
    private final JsonNode yaml;
    private final Map<String, String> env;

    private Source(Path path, JsonNode yaml, Map<String, String> env) {
      this.path = path;
      this.yaml = yaml;
      this.env = env;
    }

    /** Reads {@code file}, else {@code $COD_CONFIG}, else {@code .devnet/client.yaml} if it exists. */
    static Source open(Path file, Map<String, String> env) {
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
      return new Source(path, y, env);
    }

    Optional<String> optional(String key, String envKey) {
      String v = env.get(envKey);
      if (v != null && !v.isBlank()) {
        return Optional.of(v);
      }
      JsonNode n = yaml == null ? null : yaml.get(key);
      return n == null || n.isNull() ? Optional.empty() : Optional.of(n.asText());
    }

    String required(String key, String envKey) {
      return optional(key, envKey).orElseThrow(() -> new CodException(ErrorCode.INVALID_INPUT, "client config needs '"
          + key + "' (in " + path + " or " + envKey + "); start a devnet with `cod devnet start` or pass --config"));
    }

    /** A path from the config, relative to the config file's directory. */
    Path path(String value) {
      return path.toAbsolutePath().getParent().resolve(value);
    }
  }
}
