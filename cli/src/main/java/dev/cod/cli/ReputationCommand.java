package dev.cod.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cod.chain.ChainConnection;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.reputation.IndexerLoop;
import dev.cod.reputation.IndexerMetrics;
import dev.cod.reputation.Reputation;
import dev.cod.reputation.ReputationIndexer;
import dev.cod.reputation.ReputationServer;
import dev.cod.reputation.ReputationStore;
import dev.cod.store.H2Database;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cod reputation}: the public reputation service (indexer, JSON API, dashboard). */
@Command(name = "reputation", description = "The public reputation service: indexer, JSON API and dashboard.",
    subcommands = ReputationCommand.Serve.class)
final class ReputationCommand {
  @ParentCommand
  Cod cod;

  /**
   * Where the service reads the market: flag, else environment ({@code COD_RPC_URL},
   * {@code COD_MARKET}, {@code COD_START_BLOCK}), else the client config YAML (keys {@code rpcUrl},
   * {@code market}, {@code startBlock}; {@code --config}, {@code $COD_CONFIG} or {@code .devnet/client.yaml}).
   *
   * @param startBlock the market's deployment block (indexing starts there)
   */
  record MarketSource(String rpcUrl, String market, long startBlock) {
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");

    MarketSource {
      if (!rpcUrl.startsWith("http://") && !rpcUrl.startsWith("https://")) {
        throw new CodException(ErrorCode.INVALID_INPUT, "rpc url: expected http(s)://host:port/…; found '" + rpcUrl + "'");
      }
      if (!ADDRESS.matcher(market).matches()) {
        throw new CodException(ErrorCode.INVALID_INPUT, "market: expected the JobMarket's 0x address (40 hex digits); "
            + "found '" + market + "'");
      }
      if (startBlock < 0) {
        throw new CodException(ErrorCode.INVALID_INPUT, "start block: expected the market's deployment block (>= 0); "
            + "found " + startBlock);
      }
    }

    static MarketSource resolve(String rpcUrl, String market, Long startBlock, Path configFile, Map<String, String> env) {
      Path path = configFile != null ? configFile
          : env.get("COD_CONFIG") != null ? Path.of(env.get("COD_CONFIG")) : ClientConfig.DEVNET_DEFAULT;
      JsonNode yaml = null;
      if (Files.exists(path)) {
        try {
          yaml = new ObjectMapper(new YAMLFactory()).readTree(path.toFile());
        } catch (IOException e) {
          throw new CodException(ErrorCode.INVALID_INPUT, "cannot read config " + path + ": " + e.getMessage(), e);
        }
      } else if (configFile != null) {
        throw new CodException(ErrorCode.INVALID_INPUT, "config " + path + " does not exist");
      }
      String url = pick(rpcUrl, env, "COD_RPC_URL", yaml, "rpcUrl", "--rpc-url", path);
      String addr = pick(market, env, "COD_MARKET", yaml, "market", "--market", path);
      String start = pick(startBlock == null ? null : String.valueOf(startBlock), env, "COD_START_BLOCK", yaml,
          "startBlock", "--start-block", path);
      try {
        return new MarketSource(url, addr, Long.parseLong(start.trim()));
      } catch (NumberFormatException e) {
        throw new CodException(ErrorCode.INVALID_INPUT, "start block: expected a block number; found '" + start + "'");
      }
    }

    private static String pick(String flag, Map<String, String> env, String envKey, JsonNode yaml, String key,
        String option, Path path) {
      if (flag != null) {
        return flag;
      }
      String v = env.get(envKey);
      if (v != null && !v.isBlank()) {
        return v;
      }
      JsonNode n = yaml == null ? null : yaml.get(key);
      if (n == null || n.isNull()) {
        throw new CodException(ErrorCode.INVALID_INPUT, "the reputation service needs " + option + " (or " + envKey
            + ", or '" + key + "' in " + path + "); start a devnet with `cod devnet start` or pass " + option);
      }
      return n.asText();
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = {"Index every market event from the contract's deployment block into an H2 database (resumable, "
          + "confirmed blocks only) and serve the JSON API (/api/v1, OpenAPI at /api/v1/openapi.json), Prometheus "
          + "metrics (/metrics) and the public dashboard (/) until interrupted."})
  static final class Serve implements Callable<Integer> {
    @ParentCommand
    ReputationCommand parent;
    @Spec
    CommandSpec spec;
    @Option(names = "--rpc-url", description = "chain JSON-RPC endpoint (default: $COD_RPC_URL, else the config's rpcUrl)")
    String rpcUrl;
    @Option(names = "--market", description = "JobMarket 0x address (default: $COD_MARKET, else the config's market)")
    String market;
    @Option(names = "--start-block", description = "the market's deployment block (default: $COD_START_BLOCK, else the config's startBlock)")
    Long startBlock;
    @Option(names = "--db", description = "H2 database path, without .mv.db (default: ${DEFAULT-VALUE})")
    Path db = Path.of(".cod-reputation", "reputation");
    @Option(names = "--host", description = "address to serve on (default: ${DEFAULT-VALUE})")
    String host = "127.0.0.1";
    @Option(names = "--port", description = "port to serve on, 0 for any free one (default: ${DEFAULT-VALUE})")
    int port = 8080;
    @Option(names = "--confirmations", description = "blocks an event must be buried under before it counts (default: ${DEFAULT-VALUE})")
    int confirmations = 2;
    @Option(names = "--max-range", description = "most blocks per eth_getLogs call; Lotus caps ranges (default: ${DEFAULT-VALUE})")
    int maxRange = 2000;
    @Option(names = "--interval", description = "seconds between indexer polls (default: ${DEFAULT-VALUE})")
    int intervalSeconds = 2;

    @Override
    public Integer call() throws InterruptedException {
      if (confirmations < 0 || maxRange < 1 || intervalSeconds < 1 || port < 0 || port > 65535) {
        throw new CodException(ErrorCode.INVALID_INPUT, "expected --confirmations >= 0, --max-range >= 1, "
            + "--interval >= 1 and --port 0..65535; found " + confirmations + ", " + maxRange + ", " + intervalSeconds
            + ", " + port);
      }
      MarketSource source = MarketSource.resolve(rpcUrl, market, startBlock, parent.cod.config, parent.cod.env);
      H2Database database = H2Database.open(db);
      ChainConnection chain = ChainConnection.open(source.rpcUrl());
      ReputationStore store = new ReputationStore(database);
      Reputation reputation = new Reputation(store);
      reputation.rebuild();
      IndexerMetrics metrics = new IndexerMetrics();
      ReputationIndexer indexer = new ReputationIndexer(chain, source.market(), source.startBlock(), confirmations,
          maxRange, store, reputation, metrics);
      ReputationServer server = ReputationServer.start(reputation, metrics, host, port);
      IndexerLoop loop = new IndexerLoop(indexer, Duration.ofSeconds(intervalSeconds));
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        loop.close();
        server.close();
        chain.close();
        database.close();
        stopped.countDown();
      }));
      PrintWriter out = spec.commandLine().getOut();
      out.printf("market            %s on %s (chain id %d), from block %d%n", source.market(), source.rpcUrl(),
          chain.chainId(), source.startBlock());
      out.printf("database          %s.mv.db%n", db.toAbsolutePath());
      out.printf("dashboard         http://%s:%d/%n", host, server.port());
      out.printf("API               http://%s:%d/api/v1 (OpenAPI: /api/v1/openapi.json, metrics: /metrics)%n", host,
          server.port());
      out.flush();
      stopped.await();
      return 0;
    }
  }
}
