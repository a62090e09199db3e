package dev.cod.node.exec.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cod.cid.Cid;
import dev.cod.node.ipfs.KuboDaemon;
import dev.cod.node.ipfs.KuboRpcClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same module on the same inputs with the same job id gives the same result CID (added to a
 * real offline Kubo with cod's fixed import parameters) across runs, across two executors (two
 * "nodes"), across the compiler and the interpreter, and across JVMs: a second JVM is forked for
 * the same job. The module under test reads every clock, asks for random bytes, stats and lists
 * files ({@code src/test/wasm/probe.c}); the CSV statistics example is checked the same way.
 */
@Tag("ipfs")
class WasmDeterminismIT {
  @TempDir static Path tmp;
  private static KuboDaemon daemon;
  private static KuboRpcClient ipfs;
  private static Path inputs;

  @BeforeAll
  static void start() throws IOException {
    Optional<Path> binary = KuboDaemon.findBinary();
    if ("true".equals(System.getenv("CI"))) {
      assertThat(binary).as("Kubo (ipfs binary): run scripts/setup.sh or set COD_IPFS_BIN").isPresent();
    }
    Assumptions.assumeTrue(binary.isPresent(), "Kubo (ipfs binary) not found: run scripts/setup.sh or set COD_IPFS_BIN");
    daemon = KuboDaemon.start(binary.get(), tmp.resolve("repo"));
    ipfs = new KuboRpcClient(daemon.apiUrl());
    inputs = Files.createDirectories(tmp.resolve("inputs"));
    Files.createDirectories(inputs.resolve("sub"));
    Files.writeString(inputs.resolve("sub/z.txt"), "z\n");
    Files.writeString(inputs.resolve("a.txt"), "alpha\n");
    Files.writeString(inputs.resolve("m.csv"), "k,v\n1,2.5\n2,3.5\n4,-1\n");
  }

  @AfterAll
  static void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  /** Probe gets one argument; the CSV statistics none (their first argument is the inputs dir). */
  private static List<String> args(Path module) {
    return module.getFileName().toString().startsWith("probe") ? List.of("x") : List.of();
  }

  private static Cid runHere(WasmExecutor executor, String jobId, Path module, String name) {
    return ipfs.add(executor.run(ForkedWasmRun.request(jobId, module, inputs, tmp.resolve(name), args(module))).resultDir());
  }

  private static Cid runInAnotherJvm(String mode, String jobId, Path module, String name) throws Exception {
    Path result = tmp.resolve(name);
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        ForkedWasmRun.class.getName(), mode, jobId, module.toString(), inputs.toString(), result.toString()));
    cmd.addAll(args(module));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile()).start();
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("forked JVM finished").isTrue();
    assertThat(p.exitValue()).as(Files.readString(tmp.resolve(name + ".log"), StandardCharsets.UTF_8)).isZero();
    return ipfs.add(result);
  }

  @Test
  void clockAndRandomReadingModuleGivesOneResultCidEverywhere() throws Exception {
    Path probe = WasmModules.test("probe");
    WasmExecutor nodeA = new WasmExecutor();
    WasmExecutor nodeB = new WasmExecutor();
    Cid first = runHere(nodeA, "job-42", probe, "a1");
    assertThat(runHere(nodeA, "job-42", probe, "a2")).as("same executor, second run").isEqualTo(first);
    assertThat(runHere(nodeB, "job-42", probe, "b1")).as("another executor").isEqualTo(first);
    assertThat(runHere(new WasmExecutor(WasmConfig.DEFAULT.withMode(WasmConfig.Mode.INTERPRETER)), "job-42", probe, "i1"))
        .as("the interpreter").isEqualTo(first);
    assertThat(runInAnotherJvm("COMPILER", "job-42", probe, "jvm2")).as("another JVM").isEqualTo(first);
    assertThat(runHere(nodeA, "job-43", probe, "other")).as("another job sees another clock").isNotEqualTo(first);
    // the result really read the clock and the random stream
    assertThat(Files.readString(tmp.resolve("a1/stdout"))).contains("random ").contains("realtime ");
  }

  @Test
  void csvStatisticsGiveOneResultCidAcrossJvms() throws Exception {
    Path stats = WasmModules.example("csv-stats");
    Cid here = runHere(new WasmExecutor(), "job-9", stats, "s1");
    assertThat(runInAnotherJvm("INTERPRETER", "job-9", stats, "s2")).isEqualTo(here);
    assertThat(Files.readString(tmp.resolve("s1/outputs/stats.csv")))
        .contains("m.csv,v,3,-1,3.5,1.666667,2.362908\n");
  }
}
