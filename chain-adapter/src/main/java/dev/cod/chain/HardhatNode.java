package dev.cod.chain;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Bip32ECKeyPair;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.MnemonicUtils;

/**
 * A local {@code hardhat node} (chain id 31337) on 127.0.0.1, for tests and the devnet. Its
 * accounts are Hardhat's well-known development accounts, derived here from Hardhat's public
 * default mnemonic on the path m/44'/60'/0'/0/i (BIP-44, as Hardhat does): they hold 10,000 ETH
 * each on this chain and must never be used on a real network.
 */
public final class HardhatNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HardhatNode.class);
  /** Hardhat's documented default mnemonic (public; development only). */
  private static final String DEV_MNEMONIC = "test test test test test test test test test test test junk";
  private static final int HARDENED = 0x80000000;

  private final Process process;
  private final int port;
  private final Path log;

  private HardhatNode(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts {@code hardhat node} from the Hardhat project at {@code hardhatDir} (its
   * {@code node_modules} must be installed) on a free port and waits until it answers.
   *
   * @param logFile where the node's output goes
   * @throws CodException INTERNAL if it does not answer within 60 s (the message has the log's tail)
   */
  public static HardhatNode start(Path hardhatDir, Path logFile) {
    Path bin = hardhatDir.resolve("node_modules/.bin/hardhat");
    if (!Files.isExecutable(bin)) {
      throw new CodException(ErrorCode.INVALID_INPUT, bin + " not found: run `npm ci` in " + hardhatDir);
    }
    int port = freePort();
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      Process p = new ProcessBuilder(bin.toString(), "node", "--hostname", "127.0.0.1", "--port", String.valueOf(port))
          .directory(hardhatDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(logFile.toFile())
          .start();
      HardhatNode node = new HardhatNode(p, port, logFile);
      node.awaitReady(Duration.ofSeconds(60));
      LOG.info("hardhat node up at {}", node.rpcUrl());
      return node;
    } catch (IOException e) {
      throw new CodException(ErrorCode.INTERNAL, "cannot start hardhat node: " + e.getMessage(), e);
    }
  }

  /** Finds the Hardhat project: {@code COD_HARDHAT_DIR}, else {@code hardhat/} in the working directory or a parent. */
  public static Path findHardhatDir() {
    String env = System.getenv("COD_HARDHAT_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("hardhat/hardhat.config.js"))) {
        return dir.resolve("hardhat");
      }
    }
    throw new CodException(ErrorCode.INVALID_INPUT,
        "no hardhat/hardhat.config.js in the working directory or its parents: set COD_HARDHAT_DIR");
  }

  private void awaitReady(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new CodException(ErrorCode.INTERNAL, "hardhat node exited: " + tail());
      }
      try (ChainConnection c = ChainConnection.open(rpcUrl())) {
        return;
      } catch (CodException notYet) {
        sleep();
      }
    }
    close();
    throw new CodException(ErrorCode.INTERNAL, "hardhat node did not answer within " + timeout + ": " + tail());
  }

  private static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CodException(ErrorCode.INTERNAL, "interrupted while waiting for hardhat node");
    }
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new CodException(ErrorCode.INTERNAL, "no free port on 127.0.0.1", e);
    }
  }

  public String rpcUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** Development account {@code index} (0..19) of the Hardhat node. */
  public static Credentials devAccount(int index) {
    if (index < 0 || index >= 20) {
      throw new IllegalArgumentException("hardhat node has dev accounts 0..19, not " + index);
    }
    Bip32ECKeyPair master = Bip32ECKeyPair.generateKeyPair(MnemonicUtils.generateSeed(DEV_MNEMONIC, ""));
    int[] path = {44 | HARDENED, 60 | HARDENED, HARDENED, 0, index};
    return Credentials.create(Bip32ECKeyPair.deriveKeyPair(master, path));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
