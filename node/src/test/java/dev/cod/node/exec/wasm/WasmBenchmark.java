package dev.cod.node.exec.wasm;

import dev.cod.node.exec.ExecutionRequest;
import dev.cod.node.exec.ExecutionResult;
import dev.cod.node.exec.ResourceLimits;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark (a command, not a test; run by {@code scripts/bench-wasm.sh}): the CSV statistics
 * module ({@code examples/wasm/csv-stats.c}) over at least {@code MB} megabytes of real CSV (the
 * data rows of vega-datasets' seattle-weather.csv and weather.csv repeated into 8 files in a temp
 * dir), timed as
 *
 * <ol>
 *   <li>the same C program built natively ({@code clang -O2}),
 *   <li>WASM on Chicory's compiler (compile time apart; best of {@code RUNS} runs, first run too),
 *   <li>WASM on Chicory's interpreter (one run).
 * </ol>
 *
 * All three must print the same table. Usage: {@code WasmBenchmark REPO_ROOT WASM_MODULE [MB
 * [RUNS [--no-interpreter]]]}.
 */
public final class WasmBenchmark {
  private WasmBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]).toAbsolutePath();
    Path module = Path.of(args[1]).toAbsolutePath();
    long megabytes = args.length > 2 ? Long.parseLong(args[2]) : 100;
    int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    boolean interpreter = args.length <= 4 || !args[4].equals("--no-interpreter");
    Path work = Files.createTempDirectory("cod-wasm-bench-");
    try {
      Path inputs = Files.createDirectories(work.resolve("inputs"));
      long bytes = generate(root.resolve("hardhat/node_modules/vega-datasets/data"), inputs, megabytes * 1_000_000L);
      System.out.printf("data: %d bytes of CSV in 8 files (%s)%n", bytes, inputs);

      Path nativeBin = work.resolve("csv-stats-native");
      run(List.of("clang", "-O2", "-o", nativeBin.toString(), root.resolve("examples/wasm/csv-stats.c").toString(), "-lm"));
      double nativeBest = Double.MAX_VALUE;
      double nativeCpu = Double.MAX_VALUE;
      String nativeTable = null;
      for (int i = 0; i < runs; i++) {
        Path out = Files.createDirectories(work.resolve("native-" + i));
        long t0 = System.nanoTime();
        Path times = work.resolve("native-" + i + ".time");
        // bash's `time` gives the child's user + system CPU seconds
        run(List.of("bash", "-c", "TIMEFORMAT='%3U %3S'; { time \"$0\" \"$1\" \"$2\" >/dev/null 2>/dev/null; } 2>\"$3\"",
            nativeBin.toString(), inputs.toString(), out.toString(), times.toString()));
        nativeBest = Math.min(nativeBest, (System.nanoTime() - t0) / 1e9);
        String[] ut = Files.readString(times).trim().split("\\s+");
        nativeCpu = Math.min(nativeCpu, Double.parseDouble(ut[0]) + Double.parseDouble(ut[1]));
        nativeTable = Files.readString(out.resolve("stats.csv"));
      }
      System.out.printf("native (clang -O2):            best %.3f s wall, %.3f s CPU, of %d%n", nativeBest, nativeCpu, runs);

      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      WasmExecutor compiler = new WasmExecutor();
      double first = 0;
      double best = Double.MAX_VALUE;
      double bestCpu = Double.MAX_VALUE;
      double compile = 0;
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        long c0 = os.getProcessCpuTime();
        ExecutionResult r = compiler.run(request(module, inputs, work.resolve("compiled-" + i)));
        double total = (System.nanoTime() - t0) / 1e9;
        double run = r.duration().toNanos() / 1e9;
        check(nativeTable, r);
        if (i == 0) {
          first = run;
          compile = total - run;
        } else {
          // the JVM's CPU for the run (module thread, plus JIT and GC threads); first run excluded
          bestCpu = Math.min(bestCpu, (os.getProcessCpuTime() - c0) / 1e9);
        }
        best = Math.min(best, run);
      }
      System.out.printf("wasm, Chicory compiler:        best %.3f s wall, %.3f s CPU, of %d (first run %.3f s;"
          + " compiling the module %.3f s)%n", best, bestCpu, runs, first, compile);
      System.out.printf("  compiled wasm / native:      %.2fx wall, %.2fx CPU (goal: at most 3x)%n",
          best / nativeBest, bestCpu / nativeCpu);
      if (interpreter) {
        WasmExecutor interp = new WasmExecutor(WasmConfig.DEFAULT.withMode(WasmConfig.Mode.INTERPRETER));
        ExecutionResult r = interp.run(request(module, inputs, work.resolve("interpreted")));
        check(nativeTable, r);
        double t = r.duration().toNanos() / 1e9;
        System.out.printf("wasm, Chicory interpreter:     %.3f s (1 run)%n", t);
        System.out.printf("  interpreter / compiler:      %.1fx%n", t / best);
      }
      System.out.println("all runs printed the same table");
    } finally {
      run(List.of("rm", "-rf", work.toString()));
    }
  }

  private static ExecutionRequest request(Path module, Path inputs, Path result) {
    ResourceLimits limits = new ResourceLimits(256L << 20, ResourceLimits.ONE_CPU, 1, Duration.ofHours(1), 16L << 20);
    return new ExecutionRequest("bench", "csv-stats.wasm", List.of(), List.of(), Map.of(), inputs, result, limits, module);
  }

  private static void check(String nativeTable, ExecutionResult r) throws IOException {
    String table = Files.readString(r.resultDir().resolve("outputs/stats.csv"));
    if (r.exitCode() != 0 || !table.equals(nativeTable)) {
      throw new IllegalStateException("wasm and native tables differ (exit " + r.exitCode() + "):\n" + table + "\n" + nativeTable);
    }
  }

  /** 8 files: 4 from each source, data rows repeated until {@code target} bytes in all. */
  private static long generate(Path data, Path inputs, long target) throws IOException {
    List<Path> sources = List.of(data.resolve("seattle-weather.csv"), data.resolve("weather.csv"));
    long written = 0;
    List<BufferedWriter> writers = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    for (int f = 0; f < 8; f++) {
      List<String> lines = Files.readAllLines(sources.get(f % 2), StandardCharsets.UTF_8);
      Path dir = Files.createDirectories(inputs.resolve(f < 4 ? "a" : "b"));
      BufferedWriter w = Files.newBufferedWriter(dir.resolve("part-" + f + ".csv"), StandardCharsets.UTF_8);
      w.write(lines.get(0));
      w.write('\n');
      written += lines.get(0).length() + 1;
      writers.add(w);
      rows.add(lines.subList(1, lines.size()));
    }
    while (written < target) {
      for (int f = 0; f < 8; f++) {
        for (String line : rows.get(f)) {
          writers.get(f).write(line);
          writers.get(f).write('\n');
          written += line.length() + 1;
        }
      }
    }
    for (BufferedWriter w : writers) {
      w.close();
    }
    return written;
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).inheritIO().redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("failed: " + command);
    }
  }
}
