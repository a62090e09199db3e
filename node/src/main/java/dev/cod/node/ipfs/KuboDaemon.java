package dev.cod.node.ipfs;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.common.RetriableCodException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kubo daemon this process starts and stops: offline, its RPC API on 127.0.0.1 with a port the
 * OS picks. For tests and the local devnet; in production the SP runs its own Kubo.
 *
 * <p>{@link #start} runs {@code ipfs init --profile=test} once per repo (the test profile binds
 * the API, gateway and swarm to 127.0.0.1 on random ports and drops bootstrap peers), then {@code
 * ipfs daemon --offline} with {@code IPFS_PATH=repoDir}, and waits until the repo's {@code api}
 * file names a loopback address and {@code /api/v0/version} answers. The daemon's output goes to
 * {@code repoDir/daemon.log}.
 *
 * <p>Source: <a href="https://docs.ipfs.tech/reference/kubo/cli/">Kubo CLI reference</a> ({@code
 * init --profile}, {@code daemon --offline}), <a
 * href="https://github.com/ipfs/kubo/blob/master/docs/config.md#profiles">Kubo config profiles</a>.
 */
public final class KuboDaemon implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KuboDaemon.class);

  /** Environment variable naming the {@code ipfs} binary; checked first by {@link #findBinary()}. */
  public static final String BINARY_ENV = "COD_IPFS_BIN";
  /** How long {@link #start} waits for the API by default. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration INIT_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
  private static final long POLL_MILLIS = 100;
  private static final int LOG_TAIL_LINES = 30;
  private static final Pattern API_MULTIADDR =
      Pattern.compile("^/ip4/([0-9.]+)/tcp/([0-9]{1,5})$");

  private final Process process;
  private final Path repoDir;
  private final Path logFile;
  private final URI apiUrl;

  private KuboDaemon(Process process, Path repoDir, Path logFile, URI apiUrl) {
    this.process = process;
    this.repoDir = repoDir;
    this.logFile = logFile;
    this.apiUrl = apiUrl;
  }

  /**
   * Starts an offline Kubo on {@code repoDir} (created and initialised if it has no {@code
   * config}), waiting up to {@link #DEFAULT_START_TIMEOUT}.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if the binary cannot run or init fails;
   *     {@link ErrorCode#IPFS_UNAVAILABLE} (retriable) if the API does not answer in time, with
   *     the tail of the daemon's log
   */
  public static KuboDaemon start(Path ipfsBinary, Path repoDir) {
    return start(ipfsBinary, repoDir, DEFAULT_START_TIMEOUT, Clock.systemUTC());
  }

  /**
   * As {@link #start(Path, Path)}, waiting up to {@code timeout} as measured by {@code clock}.
   */
  public static KuboDaemon start(Path ipfsBinary, Path repoDir, Duration timeout, Clock clock) {
    Objects.requireNonNull(ipfsBinary, "ipfsBinary");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(clock, "clock");
    Path repo = repoDir.toAbsolutePath().normalize();
    Path logFile = repo.resolve("daemon.log");
    try {
      Files.createDirectories(repo);
      if (!Files.exists(repo.resolve("config"))) {
        runInit(ipfsBinary, repo);
      }
      // A stale api file from a crashed daemon would point at a dead port.
      Files.deleteIfExists(repo.resolve("api"));
    } catch (IOException e) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "cannot prepare the IPFS repo " + repo + ": " + e, e);
    }

    ProcessBuilder builder =
        new ProcessBuilder(ipfsBinary.toString(), "daemon", "--offline")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    environment(builder, repo);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "cannot run " + ipfsBinary + " daemon: " + e, e);
    }
    LOG.info("started Kubo daemon pid {} on repo {}", process.pid(), repo);
    try {
      URI apiUrl = awaitApi(process, repo, logFile, ipfsBinary, timeout, clock);
      LOG.info("Kubo daemon pid {} answers at {}", process.pid(), apiUrl);
      return new KuboDaemon(process, repo, logFile, apiUrl);
    } catch (RuntimeException e) {
      stop(process);
      throw e;
    }
  }

  /**
   * Where the {@code ipfs} binary is: {@code $COD_IPFS_BIN}, else {@code ipfs} on {@code PATH},
   * else {@code ~/go/bin/ipfs}, else {@code /usr/local/bin/ipfs}.
   *
   * @return the first executable found, or empty
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if {@code COD_IPFS_BIN} is set but does
   *     not name an executable file
   */
  public static Optional<Path> findBinary() {
    return findBinary(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  static Optional<Path> findBinary(Map<String, String> env, Path home) {
    String configured = env.get(BINARY_ENV);
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      if (!isExecutable(path)) {
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            BINARY_ENV + "=" + configured + " is not an executable file: point it at the"
                + " ipfs (Kubo) binary or unset it");
      }
      return Optional.of(path);
    }
    List<Path> candidates = new ArrayList<>();
    String pathVar = env.getOrDefault("PATH", "");
    for (String dir : pathVar.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, "ipfs"));
      }
    }
    candidates.add(home.resolve("go").resolve("bin").resolve("ipfs"));
    candidates.add(Path.of("/usr/local/bin/ipfs"));
    return candidates.stream().filter(KuboDaemon::isExecutable).findFirst();
  }

  /** The RPC API base URL, {@code http://127.0.0.1:PORT}. */
  public URI apiUrl() {
    return apiUrl;
  }

  /** The IPFS repo ({@code IPFS_PATH}) the daemon runs on. */
  public Path repoDir() {
    return repoDir;
  }

  /** The file the daemon's stdout and stderr go to. */
  public Path logFile() {
    return logFile;
  }

  /** Whether the daemon process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops the daemon: SIGTERM, then a forced kill after 15 s. Idempotent. */
  @Override
  public void close() {
    if (process.isAlive()) {
      stop(process);
      LOG.info("stopped Kubo daemon pid {}", process.pid());
    }
  }

  private static void runInit(Path binary, Path repo) throws IOException {
    Path initLog = repo.resolve("init.log");
    ProcessBuilder builder =
        new ProcessBuilder(binary.toString(), "init", "--profile=test")
            .redirectErrorStream(true)
            .redirectOutput(initLog.toFile());
    environment(builder, repo);
    Process init;
    try {
      init = builder.start();
    } catch (IOException e) {
      throw new CodException(ErrorCode.INVALID_INPUT, "cannot run " + binary + " init: " + e, e);
    }
    try {
      if (!init.waitFor(INIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        stop(init);
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            binary + " init did not finish within " + INIT_TIMEOUT.toSeconds() + " s:\n"
                + tail(initLog));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(init);
      throw new CodException(ErrorCode.INVALID_INPUT, "interrupted during ipfs init", e);
    }
    if (init.exitValue() != 0) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          binary + " init --profile=test failed with exit code " + init.exitValue() + ":\n"
              + tail(initLog));
    }
    LOG.info("initialised IPFS repo {} (profile test)", repo);
  }

  private static void environment(ProcessBuilder builder, Path repo) {
    Map<String, String> env = builder.environment();
    env.put("IPFS_PATH", repo.toString());
    // No usage reports from a test or devnet node (Kubo 0.36+ telemetry plugin).
    env.put("IPFS_TELEMETRY", "off");
  }

  private static URI awaitApi(
      Process process, Path repo, Path logFile, Path binary, Duration timeout, Clock clock) {
    Instant deadline = clock.instant().plus(timeout);
    Path apiFile = repo.resolve("api");
    String lastProblem = "the api file " + apiFile + " never appeared";
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(PROBE_TIMEOUT)
            .build();
    while (true) {
      if (!process.isAlive()) {
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            binary + " daemon exited with code " + process.exitValue()
                + " before its API answered; log tail:\n" + tail(logFile));
      }
      if (Files.exists(apiFile)) {
        try {
          URI url = apiUrlFrom(apiFile);
          new KuboRpcClient(url, http, PROBE_TIMEOUT).version();
          return url;
        } catch (RetriableCodException e) {
          lastProblem = e.getMessage();
        }
      }
      if (!clock.instant().isBefore(deadline)) {
        throw new RetriableCodException(
            ErrorCode.IPFS_UNAVAILABLE,
            "Kubo did not answer within " + timeout.toSeconds() + " s (" + lastProblem
                + "); log tail of " + logFile + ":\n" + tail(logFile));
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RetriableCodException(
            ErrorCode.IPFS_UNAVAILABLE, "interrupted while waiting for Kubo to start", e);
      }
    }
  }

  /** Reads the repo's {@code api} multiaddr; refuses anything but a loopback IPv4 address. */
  static URI apiUrlFrom(Path apiFile) {
    String multiaddr;
    try {
      multiaddr = Files.readString(apiFile, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new RetriableCodException(
          ErrorCode.IPFS_UNAVAILABLE, "cannot read " + apiFile + ": " + e, e);
    }
    Matcher m = API_MULTIADDR.matcher(multiaddr);
    if (!m.matches()) {
      // Retriable: the daemon may be writing the file right now.
      throw new RetriableCodException(
          ErrorCode.IPFS_UNAVAILABLE,
          "expected the Kubo API address in " + apiFile + " to be /ip4/127.0.0.1/tcp/PORT, found \""
              + multiaddr + "\"");
    }
    String host = m.group(1);
    try {
      if (!InetAddress.getByName(host).isLoopbackAddress()) {
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            "the Kubo API listens on " + host + ", expected loopback (127.0.0.1): the RPC API is"
                + " admin-level; set Addresses.API to /ip4/127.0.0.1/tcp/0");
      }
    } catch (UnknownHostException e) {
      throw new CodException(ErrorCode.INVALID_INPUT, "bad API address " + multiaddr, e);
    }
    return URI.create("http://" + host + ":" + Integer.parseInt(m.group(2)));
  }

  private static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static boolean isExecutable(Path path) {
    return Files.isRegularFile(path) && Files.isExecutable(path);
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
