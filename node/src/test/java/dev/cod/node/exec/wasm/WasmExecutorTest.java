package dev.cod.node.exec.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.node.exec.ExecutionRequest;
import dev.cod.node.exec.ExecutionResult;
import dev.cod.node.exec.ResourceLimits;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WasmExecutor} on real modules compiled from C ({@code src/test/wasm}, {@code
 * examples/wasm}): determinism (clocks, randomness, metadata, directory order; runs, executors,
 * compiler and interpreter), the sandbox's walls, every limit, forbidden imports and traps.
 */
class WasmExecutorTest {
  private static final ResourceLimits LIMITS =
      new ResourceLimits(64L << 20, ResourceLimits.ONE_CPU, 1, Duration.ofSeconds(60), 4L << 20);
  /** Shared so that each module is compiled once for the whole class. */
  private static final WasmExecutor EXECUTOR = new WasmExecutor();

  @TempDir static Path shared;
  @TempDir Path tmp;
  private static Path inputs;

  @BeforeAll
  static void makeInputs() throws IOException {
    inputs = Files.createDirectories(shared.resolve("inputs"));
    // created out of order: the sandbox must list them sorted whatever the host's order
    Files.createDirectories(inputs.resolve("sub"));
    Files.writeString(inputs.resolve("sub/z.txt"), "zz\n");
    Files.writeString(inputs.resolve("sub/b.txt"), "bb\n");
    Files.writeString(inputs.resolve("a.txt"), "hello from the inputs\n");
    Files.writeString(inputs.resolve("data.csv"), "x,y,name\n1,2,a\n3,,b\n5,10,c\n");
  }

  private ExecutionRequest request(String jobId, Path module, Path result, ResourceLimits limits, String... args) {
    return new ExecutionRequest(jobId, module.getFileName().toString(), List.of(), List.of(args),
        Map.of("GREETING", "hello"), inputs, result, limits, module);
  }

  private ExecutionResult run(WasmExecutor executor, String jobId, Path module, Path result, String... args) {
    return executor.run(request(jobId, module, result, LIMITS, args));
  }

  /** Every file under {@code dir} by relative path: SHA-256 of its bytes ("dir" for directories). */
  static SortedMap<String, String> tree(Path dir) throws IOException {
    SortedMap<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.toList()) {
        String rel = dir.relativize(p).toString();
        out.put(rel, Files.isDirectory(p) ? "dir"
            : HexFormat.of().formatHex(SandboxSeed.sha256(Files.readAllBytes(p))));
      }
    }
    return out;
  }

  @Test
  void probeSeesTheSameWorldOnEveryRunExecutorAndMode() throws Exception {
    Path probe = WasmModules.test("probe");
    ExecutionResult first = run(EXECUTOR, "job-7", probe, tmp.resolve("r1"), "one", "two");
    ExecutionResult again = run(EXECUTOR, "job-7", probe, tmp.resolve("r2"), "one", "two");
    ExecutionResult otherNode = run(new WasmExecutor(), "job-7", probe, tmp.resolve("r3"), "one", "two");
    ExecutionResult interpreted = run(new WasmExecutor(WasmConfig.DEFAULT.withMode(WasmConfig.Mode.INTERPRETER)),
        "job-7", probe, tmp.resolve("r4"), "one", "two");

    assertThat(first.exitCode()).isZero();
    SortedMap<String, String> expected = tree(first.resultDir());
    assertThat(expected).containsKeys("outputs/probe.txt", "outputs/sub-file.txt", "stdout", "stderr", "exitCode");
    assertThat(tree(again.resultDir())).isEqualTo(expected);
    assertThat(tree(otherNode.resultDir())).isEqualTo(expected);
    assertThat(tree(interpreted.resultDir())).isEqualTo(expected);

    String report = Files.readString(first.resultDir().resolve("stdout"));
    assertThat(Files.readString(first.resultDir().resolve("outputs/probe.txt"))).isEqualTo(report);
    SandboxSeed seed = new SandboxSeed("job-7");
    long now = seed.instant().getEpochSecond();
    byte[] random = new byte[32];
    seed.stream().next(random, 0, 32);
    assertThat(report)
        .contains("arg 0 probe.wasm\narg 1 one\narg 2 two\n")
        .contains("env GREETING=hello\n")
        .contains("realtime " + now + ".000000000\n")
        .contains("monotonic " + now + ".000000000\n")
        .contains("monotonic-after-sleep " + now + ".000000000\n")
        .contains("time " + now + "\n")
        .contains("random " + HexFormat.of().formatHex(random) + "\n")
        .contains("read /inputs/a.txt: hello from the inputs\n")
        .contains("write in /outputs: ok\n")
        .doesNotContain("ALLOWED");
    for (String refused : List.of("create in /inputs", "write-open /inputs/a.txt", "truncate /inputs/a.txt",
        "unlink /inputs/a.txt", "mkdir /inputs/d", "rename /inputs/a.txt", "open /etc/passwd",
        "open /inputs/../../etc/passwd", "symlink in /outputs", "hard link in /outputs")) {
      assertThat(report).contains(refused + ": refused\n");
    }
    // sorted directory order, fixed times, no host inode
    List<String> entries = report.lines().filter(l -> l.startsWith("entry /inputs/sub/")).toList();
    assertThat(entries).extracting(l -> l.split(" ")[1])
        .containsExactly("/inputs/sub/.", "/inputs/sub/..", "/inputs/sub/b.txt", "/inputs/sub/z.txt");
    assertThat(entries).allMatch(l -> l.contains("mtime=" + now + ".000000000 atime=" + now + " ctime=" + now));
    assertThat(Files.readString(inputs.resolve("a.txt"))).isEqualTo("hello from the inputs\n");
    assertThat(inputs.resolve("new.txt")).doesNotExist();
  }

  @Test
  void anotherJobSeesAnotherInstantAndOtherRandomBytes() throws Exception {
    Path probe = WasmModules.test("probe");
    String a = Files.readString(run(EXECUTOR, "job-1", probe, tmp.resolve("a")).resultDir().resolve("stdout"));
    String b = Files.readString(run(EXECUTOR, "job-2", probe, tmp.resolve("b")).resultDir().resolve("stdout"));
    assertThat(line(a, "random ")).isNotEqualTo(line(b, "random "));
    assertThat(line(a, "realtime ")).isNotEqualTo(line(b, "realtime "));
  }

  private static String line(String text, String prefix) {
    return text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
  }

  @Test
  void csvStatsExampleSummarisesEveryNumericColumn() throws Exception {
    ExecutionResult r = run(EXECUTOR, "job-3", WasmModules.example("csv-stats"), tmp.resolve("r"));
    assertThat(r.exitCode()).isZero();
    String stats = Files.readString(r.resultDir().resolve("outputs/stats.csv"));
    assertThat(stats).isEqualTo(
        "file,column,count,min,max,mean,stddev\n"
            + "data.csv,x,3,1,5,3.000000,2.000000\n"
            + "data.csv,y,2,2,10,6.000000,5.656854\n"
            + "*,x,3,1,5,3.000000,2.000000\n"
            + "*,y,2,2,10,6.000000,5.656854\n");
    assertThat(Files.readString(r.resultDir().resolve("stdout"))).isEqualTo(stats);
  }

  @Test
  void textFilterExampleKeepsMatchingLines() throws Exception {
    ExecutionResult r = run(EXECUTOR, "job-4", WasmModules.example("text-filter"), tmp.resolve("r"), "-i", "B");
    assertThat(r.exitCode()).isZero();
    assertThat(Files.readString(r.resultDir().resolve("outputs/matches.txt")))
        .isEqualTo("data.csv:3:3,,b\nsub/b.txt:1:bb\n");
    assertThat(Files.readString(r.resultDir().resolve("stdout")))
        .isEqualTo("a.txt: 0\ndata.csv: 1\nsub/b.txt: 1\nsub/z.txt: 0\ntotal: 2\n");
  }

  @Test
  void timeoutStopsARunawayModuleAndFreesItsCore() throws Exception {
    ResourceLimits twoSeconds = LIMITS.withTimeout(Duration.ofSeconds(2));
    Path result = tmp.resolve("r");
    long start = System.nanoTime();
    assertThatThrownBy(() -> EXECUTOR.run(request("job-spin", WasmModules.test("spin"), result, twoSeconds)))
        .isInstanceOfSatisfying(CodException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXECUTION_FAILED))
        .hasMessageContaining("timeout")
        .hasMessageContaining("2 s");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(12));
    assertThat(result).isEmptyDirectory();
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("cod-wasm-job-spin"));

    // the spinning module held a core at 100 %; after the deadline the process is (nearly) idle
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuBefore = os.getProcessCpuTime();
    long wallBefore = System.nanoTime();
    Thread.sleep(1000);
    double busyCores = (double) (os.getProcessCpuTime() - cpuBefore) / (System.nanoTime() - wallBefore);
    assertThat(busyCores).as("cores busy after the timeout").isLessThan(0.6);
  }

  @Test
  void memoryLimitStopsAModuleThatKeepsAllocating() {
    ResourceLimits small = new ResourceLimits(16L << 20, ResourceLimits.ONE_CPU, 1, Duration.ofSeconds(60), 1 << 20);
    Path result = tmp.resolve("r");
    assertThatThrownBy(() -> EXECUTOR.run(request("job-mem", WasmModules.test("memory-hog"), result, small)))
        .isInstanceOfSatisfying(CodException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXECUTION_FAILED))
        .hasMessageContaining("memory limit")
        .hasMessageContaining("256 pages");
    assertThat(result).isEmptyDirectory();
  }

  @Test
  void outputLimitStopsAModuleFloodingAFile() {
    Path result = tmp.resolve("r");
    assertThatThrownBy(() -> run(EXECUTOR, "job-flood", WasmModules.test("output-flood"), result))
        .hasMessageContaining("output limit")
        .isInstanceOfSatisfying(CodException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXECUTION_FAILED))
        .hasMessageContaining("output limit")
        .hasMessageContaining("maxOutputBytes=" + (4L << 20));
    assertThat(result).isEmptyDirectory();
  }

  @Test
  void outputLimitStopsAModuleFloodingStdout() {
    Path result = tmp.resolve("r");
    assertThatThrownBy(() -> run(EXECUTOR, "job-flood-out", WasmModules.test("output-flood"), result, "stdout"))
        .isInstanceOfSatisfying(CodException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXECUTION_FAILED))
        .hasMessageContaining("output limit");
    assertThat(result).isEmptyDirectory();
  }

  @Test
  void fileCountLimitStopsAModuleCreatingFilesWithoutEnd() throws Exception {
    WasmExecutor fifty = new WasmExecutor(WasmConfig.DEFAULT.withMaxOutputEntries(50));
    Path result = tmp.resolve("r");
    assertThatThrownBy(() -> run(fifty, "job-files", WasmModules.test("many-files"), result))
        .isInstanceOfSatisfying(CodException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXECUTION_FAILED))
        .hasMessageContaining("output file limit")
        .hasMessageContaining("50 files and directories");
    assertThat(result).isEmptyDirectory();

    // under the limit: 40 files in 1 directory
    ExecutionResult ok = run(fifty, "job-files", WasmModules.test("many-files"), tmp.resolve("ok"), "40");
    assertThat(ok.exitCode()).isZero();
    try (Stream<Path> files = Files.list(ok.resultDir().resolve("outputs/d0"))) {
      assertThat(files.count()).isEqualTo(40);
    }
  }

  @Test
  void aModuleImportingAHostFunctionIsRefusedNamingTheImport() {
    Path result = tmp.resolve("r");
    assertThatThrownBy(() -> run(EXECUTOR, "job-imp", WasmModules.test("forbidden-import"), result))
        .isInstanceOfSatisfying(CodException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining("imports env.host_time");
    assertThatThrownBy(() -> run(EXECUTOR, "job-imp", WasmModules.test("socket-import"), result))
        .isInstanceOfSatisfying(CodException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining("imports wasi_snapshot_preview1.sock_open");
    assertThat(result).doesNotExist();
  }

  @Test
  void aTrapIsAResultWithExitCode134() throws Exception {
    ExecutionResult r = run(EXECUTOR, "job-abort", WasmModules.test("abort"), tmp.resolve("r"));
    assertThat(r.exitCode()).isEqualTo(WasmExecutor.TRAP_EXIT_CODE);
    assertThat(Files.readString(r.resultDir().resolve("exitCode"))).isEqualTo("134");
    assertThat(Files.readString(r.resultDir().resolve("stdout"))).isEqualTo("about to abort\n");
    assertThat(Files.readString(r.resultDir().resolve("stderr"))).startsWith("wasm trap: ");
  }

  @Test
  void notAModuleIsInvalidInput() throws Exception {
    Path bogus = Files.writeString(tmp.resolve("bogus.wasm"), "not wasm", StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> run(EXECUTOR, "job-bogus", bogus, tmp.resolve("r")))
        .isInstanceOfSatisfying(CodException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining("not a valid WebAssembly module");
  }

  @Test
  void aMissingEntrypointIsInvalidInput() {
    ExecutionRequest r = new ExecutionRequest("job-entry", "csv-stats", List.of("main_loop"), List.of(), Map.of(),
        inputs, tmp.resolve("r"), LIMITS, WasmModules.example("csv-stats"));
    assertThatThrownBy(() -> EXECUTOR.run(r))
        .isInstanceOfSatisfying(CodException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining("exports no function 'main_loop'");
  }

  @Test
  void canRunOnlyWithAtLeastOneCpu() {
    Path module = tmp.resolve("m.wasm");
    assertThat(EXECUTOR.canRun(request("job-1", module, tmp.resolve("r"), LIMITS))).isTrue();
    ResourceLimits half = new ResourceLimits(64L << 20, ResourceLimits.ONE_CPU / 2, 1, Duration.ofSeconds(5), 1024);
    assertThat(EXECUTOR.canRun(request("job-1", module, tmp.resolve("r"), half))).isFalse();
    assertThat(EXECUTOR.engine()).isEqualTo("wasm");
    assertThat(EXECUTOR.isInstalled()).isTrue();
  }
}
