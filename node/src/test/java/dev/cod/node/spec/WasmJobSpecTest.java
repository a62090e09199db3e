package dev.cod.node.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.cid.Cid;
import dev.cod.common.CodException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The {@code engine: wasm} form of a job spec: module CID, one entry point, args, env. */
class WasmJobSpecTest {
  private static final String MODULE = "bafkreiaiiudyukiljdrrjgvymomwnasbccrfdw2oa36bitag5o2tjlzdxy";
  private static final String DATA = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e";
  private static final Path EXAMPLE = Path.of("..", "examples", "wasm", "weather-stats.yaml");

  private static final String BASE = """
      name: stats
      engine: {type: wasm, module: %s, args: ["-i", "x"], env: {MODE: fast}}
      inputs: [{source: ipfs, cid: %s, path: /inputs/a.csv}]
      resources: {memory: 64MiB, cpu: 1, maxOutput: 1MiB}
      timeout: 60s
      market: {replicas: 3, quorum: 2, maxPrice: 0.005 FIL, stake: 0.1 FIL, executionWindow: 10m, revealWindow: 5m}
      """.formatted(MODULE, DATA);

  @Test
  void wasmEngineNamesItsModuleByCidWithStartAsDefaultEntrypoint() {
    JobSpec.Engine engine = JobSpecParser.parse(BASE).engine();
    assertThat(engine.type()).isEqualTo("wasm");
    assertThat(engine.module()).contains(Cid.parse(MODULE));
    assertThat(engine.image()).isEqualTo(MODULE);
    assertThat(engine.entrypoint()).containsExactly("_start");
    assertThat(engine.args()).containsExactly("-i", "x");
    assertThat(engine.env()).containsEntry("MODE", "fast");
  }

  @Test
  void canonicalJsonRoundTripsTheWasmForm() {
    JobSpec spec = JobSpecParser.parse(BASE.replace("args:", "entrypoint: main2, args:"));
    String json = JobSpecParser.toJson(spec);
    assertThat(json).contains("\"engine\":{\"args\":[\"-i\",\"x\"],\"entrypoint\":\"main2\",\"env\":{\"MODE\":\"fast\"},\"module\":\"" + MODULE + "\",\"type\":\"wasm\"}");
    assertThat(json).doesNotContain("image");
    JobSpec again = JobSpecParser.parse(json);
    assertThat(again).isEqualTo(spec);
    assertThat(JobSpecParser.toJson(again)).isEqualTo(json);
  }

  @Test
  void theExampleParses() throws IOException {
    String text = Files.readString(EXAMPLE, StandardCharsets.UTF_8)
        .replace("MODULE_CID", MODULE).replace("SEATTLE_CID", DATA).replace("WEATHER_CID", MODULE);
    JobSpec spec = JobSpecParser.parse(text);
    assertThat(spec.engine().module()).isPresent();
    assertThat(spec.inputs()).extracting(JobSpec.Input::path)
        .containsExactly("/inputs/seattle-weather.csv", "/inputs/weather.csv");
    assertThat(spec.market().quorum()).isEqualTo(2);
  }

  @Test
  void malformedWasmEnginesAreRefusedNamingTheField() {
    assertRefused(BASE.replace("module: " + MODULE, "module: not-a-cid"), "engine.module");
    assertRefused(BASE.replace("module: " + MODULE + ",", ""), "engine.module");
    assertRefused(BASE.replace("module: " + MODULE, "image: cod/busybox:local"), "engine.image");
    assertRefused(BASE.replace("args:", "entrypoint: [a, b], args:"), "engine.entrypoint");
    assertRefused(BASE.replace("cpu: 1", "cpu: 0.5"), "resources.cpu");
  }

  @Test
  void dockerSpecsHaveNoModule() {
    String docker = BASE.replace("{type: wasm, module: " + MODULE + ",", "{type: docker, image: cod/busybox:local,");
    JobSpec spec = JobSpecParser.parse(docker);
    assertThat(spec.engine().module()).isEmpty();
    assertThat(JobSpecParser.toJson(spec)).contains("\"image\":\"cod/busybox:local\"");
  }

  private static void assertRefused(String yaml, String field) {
    assertThatThrownBy(() -> JobSpecParser.parse(yaml))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("job spec field '" + field + "'");
  }
}
