package dev.cod.node.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs real containers on the local Docker Engine with the real {@code cod/busybox:local} image
 * (built by {@code scripts/build-busybox-image.sh} when missing).
 */
@Tag("docker")
class DockerExecutorIT {

  private static final String IMAGE = "cod/busybox:local";
  private static final Path SOCKET = Path.of("/var/run/docker.sock");
  private static final ResourceLimits LIMITS =
      new ResourceLimits(
          128L << 20, ResourceLimits.ONE_CPU, 64, Duration.ofSeconds(60), 1L << 20);
  private static final String WEATHER =
      "date,precipitation,temp_max,temp_min,wind,weather\n"
          + "2012-01-01,0.0,12.8,5.0,4.7,drizzle\n"
          + "2012-01-02,10.9,10.6,2.8,4.5,rain\n"
          + "2012-01-03,0.8,11.7,7.2,2.3,rain\n"
          + "2012-01-04,20.3,12.2,5.6,4.7,rain\n"
          + "2012-01-05,1.3,8.9,2.8,6.1,rain\n"
          + "2012-01-06,2.5,4.4,2.2,2.2,rain\n"
          + "2012-01-07,0.0,7.2,2.8,2.3,sun\n"
          + "2012-01-08,0.0,10.0,2.8,2.0,sun\n";

  private static DockerExecutor executor;

  @TempDir Path tmp;
  private Path inputs;

  @BeforeAll
  static void engineAndImage() throws Exception {
    Assumptions.assumeTrue(
        Files.exists(SOCKET), "Docker engine not reachable at /var/run/docker.sock");
    executor = new DockerExecutor(DockerExecutor.DEFAULT_HOST);
    assertThat(executor.isInstalled())
        .as("a socket exists at %s but the Docker Engine does not answer", SOCKET)
        .isTrue();
    if (!executor.canRun(probe())) {
      Path script = findScript();
      Process p =
          new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("build-busybox-image.sh finished").isTrue();
      assertThat(p.exitValue()).as("build-busybox-image.sh: %s", out).isZero();
    }
    assertThat(executor.canRun(probe())).as("image %s present", IMAGE).isTrue();
  }

  @AfterAll
  static void close() {
    if (executor != null) {
      executor.close();
    }
  }

  @BeforeEach
  void writeInputs() throws IOException {
    inputs = Files.createDirectories(tmp.resolve("inputs"));
    Files.writeString(inputs.resolve("weather.csv"), WEATHER);
  }

  @Test
  void csvJobReadsInputsAndWritesOutputs() throws IOException {
    String awk =
        "awk -F, 'NR>1 {n[$6]++; p[$6]+=$2} END {for (w in n) printf \"%s,%d,%.1f\\n\", w, n[w],"
            + " p[w]}' /inputs/weather.csv | sort > /outputs/result.csv"
            + " && echo rows: $(wc -l < /outputs/result.csv) && echo note >&2";

    ExecutionResult r = executor.run(job("csv", awk, LIMITS, "result"));

    assertThat(r.exitCode()).isZero();
    assertThat(r.timedOut()).isFalse();
    assertThat(r.succeeded()).isTrue();
    Path result = tmp.resolve("result");
    assertThat(r.resultDir()).isEqualTo(result);
    assertThat(result.resolve("outputs/result.csv"))
        .hasContent("drizzle,1,0.0\nrain,5,35.8\nsun,2,0.0");
    assertThat(result.resolve("stdout")).hasContent("rows: 3");
    assertThat(result.resolve("stderr")).hasContent("note");
    assertThat(result.resolve("exitCode")).hasBinaryContent(bytes("0"));
    assertThat(r.stdoutBytes()).isEqualTo(8);
    assertThat(r.stderrBytes()).isEqualTo(5);
    assertThat(r.outputsBytes()).isEqualTo(Files.size(result.resolve("outputs/result.csv")));
    try (Stream<Path> top = Files.list(result)) {
      assertThat(top.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("outputs", "stdout", "stderr", "exitCode");
    }
    assertNoContainerLeft("csv");
  }

  @Test
  void aNonZeroExitIsRecordedNotThrown() throws IOException {
    ExecutionResult r = executor.run(job("exit3", "echo oops >&2; exit 3", LIMITS, "result"));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.succeeded()).isFalse();
    assertThat(tmp.resolve("result/exitCode")).hasBinaryContent(bytes("3"));
    assertThat(tmp.resolve("result/stderr")).hasContent("oops");
    assertThat(tmp.resolve("result/outputs")).isEmptyDirectory();
  }

  @Test
  void theRootFileSystemIsReadOnly() {
    ExecutionResult r = executor.run(job("rootfs", "touch /owned", LIMITS, "result"));

    assertThat(r.exitCode()).isNotZero();
    assertThat(tmp.resolve("result/stderr")).content().contains("Read-only file system");
  }

  @Test
  void inputsAreReadOnly() {
    ExecutionResult r =
        executor.run(
            job("inputs", "echo x > /inputs/weather.csv; touch /inputs/new", LIMITS, "result"));

    assertThat(r.exitCode()).isNotZero();
    assertThat(tmp.resolve("result/stderr")).content().contains("Read-only file system");
    assertThat(inputs.resolve("weather.csv")).hasContent(WEATHER.strip());
    assertThat(inputs.resolve("new")).doesNotExist();
  }

  @Test
  void tmpIsASmallWritableTmpfs() {
    ExecutionResult r =
        executor.run(
            job("tmp", "echo hi > /tmp/x && cat /tmp/x && grep ' /tmp ' /proc/mounts", LIMITS,
                "result"));

    assertThat(r.exitCode()).isZero();
    assertThat(tmp.resolve("result/stdout"))
        .content()
        .startsWith("hi\ntmpfs /tmp tmpfs ")
        .contains("noexec")
        .contains("size=65536k");
  }

  @Test
  void thereIsNoNetwork() {
    ExecutionResult r =
        executor.run(
            job("net", "ls /sys/class/net; cat /proc/net/route | wc -l", LIMITS, "result"));

    assertThat(r.exitCode()).isZero();
    // only the loopback interface, and a routing table with its header line only
    assertThat(tmp.resolve("result/stdout")).hasContent("lo\n1");
  }

  @Test
  void runsAsNobodyWithoutCapabilitiesOrNewPrivileges() {
    ExecutionResult r =
        executor.run(
            job(
                "user",
                "id -u; id -g; grep -E '^(CapEff|NoNewPrivs)' /proc/self/status",
                LIMITS,
                "result"));

    assertThat(r.exitCode()).isZero();
    assertThat(tmp.resolve("result/stdout"))
        .hasContent("65534\n65534\nCapEff:\t0000000000000000\nNoNewPrivs:\t1");
  }

  @Test
  void theEnvironmentIsFixed() {
    Map<String, String> env = new TreeMap<>(Map.of("FOO", "bar", "TZ", "Europe/Paris"));
    ExecutionRequest request =
        new ExecutionRequest(
            "it-env",
            IMAGE,
            List.of("sh", "-c"),
            List.of("env | sort; cat /proc/sys/kernel/hostname; pwd"),
            env,
            inputs,
            tmp.resolve("result"),
            LIMITS);

    ExecutionResult r = executor.run(request);

    assertThat(r.exitCode()).isZero();
    assertThat(tmp.resolve("result/stdout"))
        .hasContent(
            "FOO=bar\nHOME=/tmp\nHOSTNAME=cod\nLC_ALL=C\nPATH=/bin\nPWD=/\n"
                + "SHLVL=1\nSOURCE_DATE_EPOCH=0\nTZ=UTC\ncod\n/");
  }

  @Test
  void theTimeoutKillsTheJob() {
    ResourceLimits limits = LIMITS.withTimeout(Duration.ofSeconds(2));
    long start = System.nanoTime();

    ExecutionResult r = executor.run(job("sleep", "echo start; sleep 600", limits, "result"));

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(r.timedOut()).isTrue();
    assertThat(r.succeeded()).isFalse();
    assertThat(r.exitCode()).isEqualTo(137);
    assertThat(r.duration()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(5));
    assertThat(took).isLessThan(Duration.ofSeconds(7));
    assertThat(tmp.resolve("result/stdout")).hasContent("start");
    assertThat(tmp.resolve("result/exitCode")).hasBinaryContent(bytes("137"));
    assertNoContainerLeft("sleep");
  }

  @Test
  void outputsOverTheLimitFailAndLeaveNoResult() {
    ResourceLimits limits = LIMITS.withMaxOutputBytes(10_000);

    assertThatThrownBy(
            () ->
                executor.run(
                    job("big", "dd if=/dev/zero of=/outputs/big bs=1024 count=64", limits,
                        "result")))
        .isInstanceOfSatisfying(
            CodException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXECUTION_FAILED))
        .hasMessageContaining("maxOutputBytes=10000")
        .hasMessageContaining("outputs 65536");
    assertThat(tmp.resolve("result")).isEmptyDirectory();
    assertNoContainerLeft("big");
  }

  @Test
  void endlessStdoutIsKilledAtTheLimitNotAtTheTimeout() {
    ResourceLimits limits = LIMITS.withMaxOutputBytes(10_000);
    long start = System.nanoTime();

    assertThatThrownBy(
            () -> executor.run(job("spam", "while true; do echo spam; done", limits, "result")))
        .isInstanceOfSatisfying(
            CodException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXECUTION_FAILED))
        .hasMessageContaining("maxOutputBytes=10000");

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    assertThat(tmp.resolve("result")).isEmptyDirectory();
    assertNoContainerLeft("spam");
  }

  @Test
  void aMissingImageSaysToBuildIt() {
    ExecutionRequest request =
        new ExecutionRequest(
            "it-noimage",
            "cod/no-such-image:local",
            List.of("true"),
            List.of(),
            Map.of(),
            inputs,
            tmp.resolve("result"),
            LIMITS);

    assertThat(executor.canRun(request)).isFalse();
    assertThatThrownBy(() -> executor.run(request))
        .isInstanceOfSatisfying(
            CodException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.EXECUTION_FAILED);
              assertThat(e.isRetriable()).isFalse();
            })
        .hasMessageContaining("cod/no-such-image:local")
        .hasMessageContaining("build or import");
  }

  @Test
  void anUnknownCommandFailsWithTheEnginesReason() {
    ExecutionRequest request =
        new ExecutionRequest(
            "it-nocmd",
            IMAGE,
            List.of("no-such-command"),
            List.of(),
            Map.of(),
            inputs,
            tmp.resolve("result"),
            LIMITS);

    assertThatThrownBy(() -> executor.run(request))
        .isInstanceOfSatisfying(
            CodException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXECUTION_FAILED))
        .hasMessageContaining("executable file not found");
    assertThat(tmp.resolve("result")).isEmptyDirectory();
    assertNoContainerLeft("nocmd");
  }

  @Test
  void twoRunsOfTheSameJobGiveByteIdenticalResults() throws IOException {
    String script =
        "mkdir -p /outputs/sub && sha256sum /inputs/weather.csv > /outputs/sub/sum"
            + " && sort -t, -k3 /inputs/weather.csv > /outputs/sorted.csv"
            + " && env | sort && date +%Z && echo $SOURCE_DATE_EPOCH && echo err >&2";

    executor.run(job("same-1", script, LIMITS, "result-1"));
    executor.run(job("same-2", script, LIMITS, "result-2"));

    assertThat(snapshot(tmp.resolve("result-1"))).isEqualTo(snapshot(tmp.resolve("result-2")));
    assertThat(tmp.resolve("result-1/outputs/sub/sum")).content().endsWith("/inputs/weather.csv\n");
  }

  // --- helpers

  private ExecutionRequest job(String name, String script, ResourceLimits limits, String result) {
    return new ExecutionRequest(
        "it-" + name,
        IMAGE,
        List.of("sh", "-c"),
        List.of(script),
        Map.of(),
        inputs,
        tmp.resolve(result),
        limits);
  }

  private static ExecutionRequest probe() {
    Path base = Path.of(System.getProperty("java.io.tmpdir"));
    return new ExecutionRequest(
        "probe",
        IMAGE,
        List.of("true"),
        List.of(),
        Map.of(),
        base.resolve("cod-probe-inputs"),
        base.resolve("cod-probe-result"),
        LIMITS);
  }

  private static Path findScript() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path script = dir.resolve("scripts/build-busybox-image.sh");
      if (Files.isRegularFile(script)) {
        return script;
      }
    }
    throw new IllegalStateException("scripts/build-busybox-image.sh not found above the cwd");
  }

  /** Path, mode, mtime and bytes of every entry, in path order. */
  private static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> all = new TreeMap<>();
    try (Stream<Path> entries = Files.walk(root)) {
      for (Path p : entries.toList()) {
        String meta =
            java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p))
                + " "
                + Files.getLastModifiedTime(p).toMillis();
        String body = Files.isDirectory(p) ? "<dir>" : Files.readString(p);
        all.put(root.relativize(p).toString(), meta + " " + body);
      }
    }
    return all;
  }

  private static void assertNoContainerLeft(String name) {
    try {
      Process p =
          new ProcessBuilder(
                  "docker", "ps", "-aq", "--filter", "label=dev.cod.job=it-" + name)
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      assertThat(out.strip()).as("containers left for job it-%s", name).isEmpty();
    } catch (IOException e) {
      // no docker CLI: nothing to check with
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
