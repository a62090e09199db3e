package dev.cod.node.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cod.cid.Cid;
import dev.cod.cid.PieceCommitment;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobSpecParserTest {
  private static final String CID = "bafkreiaiiudyukiljdrrjgvymomwnasbccrfdw2oa36bitag5o2tjlzdxy";
  /** The piece CID (v1) of 127 zero bytes: a 128-byte piece. */
  private static final String PIECE = PieceCommitment.of(new byte[127]).toCidV1().toString();
  private static final Path EXAMPLE = Path.of("..", "examples", "seattle-precipitation.yaml");
  private static final BigInteger ATTO_PER_FIL = BigInteger.TEN.pow(18);

  /** A small valid spec; each malformed case below changes exactly one part of it. */
  private static final String BASE = """
      name: demo
      engine:
        type: docker
        image: cod/busybox:local
        entrypoint: ["/bin/sh", "-c"]
        args: ["cat /inputs/a.csv > /outputs/out.csv"]
        env: {GREETING: hello}
      inputs:
        - {source: ipfs, cid: %s, path: /inputs/a.csv}
      resources:
        memory: 64MiB
        cpu: 0.5
        pids: 32
        maxOutput: 1MiB
      timeout: 60s
      market:
        replicas: 3
        quorum: 2
        maxPrice: 0.005 FIL
        stake: 0.1 FIL
        bidWindow: 0s
        executionWindow: 10m
        revealWindow: 5m
      """.formatted(CID);

  private static String example() throws IOException {
    assertThat(EXAMPLE).as("the example spec, relative to the node module").isRegularFile();
    String text = Files.readString(EXAMPLE, StandardCharsets.UTF_8);
    assertThat(text).contains("cid: DATA_CID");
    return text.replace("DATA_CID", CID);
  }

  @Test
  void aPieceInputIsTheJobsInputPiece() {
    String yaml = replace(BASE, "path: /inputs/a.csv}\n", "path: /inputs/a.csv}\n  - {source: piece, cid: " + PIECE
        + ", path: /inputs/weather}\n");

    JobSpec spec = JobSpecParser.parse(yaml);

    assertThat(PIECE).startsWith("baga6ea4sea");
    assertThat(spec.inputs()).hasSize(2);
    assertThat(spec.pieceInput()).hasValueSatisfying(in -> {
      assertThat(in.cid()).isEqualTo(Cid.parse(PIECE));
      assertThat(in.path()).isEqualTo("/inputs/weather");
    });
    assertThat(JobSpecParser.parse(BASE).pieceInput()).isEmpty();
    assertThat(JobSpecParser.parse(JobSpecParser.toJson(spec)).pieceInput()).isEqualTo(spec.pieceInput());
  }

  @Test
  void theExampleParsesWithEveryFieldInItsUnit() throws IOException {
    JobSpec spec = JobSpecParser.parse(example());

    assertThat(spec.name()).isEqualTo("seattle-precipitation");
    JobSpec.Engine engine = spec.engine();
    assertThat(engine.type()).isEqualTo("docker");
    assertThat(engine.image()).isEqualTo("cod/busybox:local");
    assertThat(engine.entrypoint()).containsExactly("/bin/sh", "-c");
    assertThat(engine.args()).hasSize(1);
    // The folded block scalar (>-) joins the lines into one shell command.
    assertThat(engine.args().get(0))
        .startsWith("echo 'year,total_precipitation_mm,mean_daily_precipitation_mm,days_with_precipitation' > ")
        .contains("awk -F, 'NR > 1 {")
        .contains("/inputs/seattle-weather.csv | sort >> /outputs/precipitation-by-year.csv")
        .endsWith("cat /outputs/precipitation-by-year.csv")
        .doesNotContain("\n  ");
    assertThat(engine.env()).isEmpty();

    assertThat(spec.inputs()).containsExactly(
        new JobSpec.Input("ipfs", Cid.parse(CID), "/inputs/seattle-weather.csv"));
    assertThat(spec.inputs().get(0).cid()).hasToString(CID);

    assertThat(spec.resources()).isEqualTo(new JobSpec.Resources(64L * 1024 * 1024, 500, 32, 1024 * 1024));
    assertThat(spec.timeout()).isEqualTo(Duration.ofSeconds(60));

    JobSpec.Market market = spec.market();
    assertThat(market.replicas()).isEqualTo(3);
    assertThat(market.quorum()).isEqualTo(2);
    assertThat(market.maxPrice().attoFil()).isEqualTo(new BigInteger("5000000000000000"));
    assertThat(market.stake().attoFil()).isEqualTo(ATTO_PER_FIL.divide(BigInteger.TEN));
    assertThat(market.escrow().attoFil()).isEqualTo(new BigInteger("15000000000000000"));
    assertThat(market.bidWindow()).isEqualTo(Duration.ZERO);
    assertThat(market.executionWindow()).isEqualTo(Duration.ofMinutes(10));
    assertThat(market.revealWindow()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void defaultsApplyToOptionalFields() {
    JobSpec spec = JobSpecParser.parse(BASE
        .replace("  cpu: 0.5\n", "")
        .replace("  pids: 32\n", "")
        .replace("  bidWindow: 0s\n", "")
        .replace("  env: {GREETING: hello}\n", ""));

    assertThat(spec.resources().cpuMillis()).isEqualTo(1000);
    assertThat(spec.resources().pids()).isEqualTo(64);
    assertThat(spec.market().bidWindow()).isEqualTo(Duration.ZERO);
    assertThat(spec.engine().env()).isEmpty();
  }

  @Test
  void unitsConvertToBytesMillicoresAndAttoFil() {
    JobSpec spec = JobSpecParser.parse(BASE
        .replace("memory: 64MiB", "memory: 1GB")
        .replace("cpu: 0.5", "cpu: 250m")
        .replace("maxOutput: 1MiB", "maxOutput: 1048577")
        .replace("timeout: 60s", "timeout: 2h")
        .replace("maxPrice: 0.005 FIL", "maxPrice: 1 attoFIL")
        .replace("stake: 0.1 FIL", "stake: 5 milliFIL")
        .replace("revealWindow: 5m", "revealWindow: 30d"));

    assertThat(spec.resources().memoryBytes()).isEqualTo(1_000_000_000L);
    assertThat(spec.resources().cpuMillis()).isEqualTo(250);
    assertThat(spec.resources().maxOutputBytes()).isEqualTo(1_048_577L);
    assertThat(spec.timeout()).isEqualTo(Duration.ofHours(2));
    assertThat(spec.market().maxPrice().attoFil()).isEqualTo(BigInteger.ONE);
    assertThat(spec.market().stake().attoFil()).isEqualTo(BigInteger.TEN.pow(15).multiply(BigInteger.valueOf(5)));
    assertThat(spec.market().revealWindow()).isEqualTo(JobSpecParser.MAX_WINDOW);
  }

  @Test
  void toJsonRoundTripsToAnEqualSpec() throws IOException {
    JobSpec spec = JobSpecParser.parse(example());

    String json = JobSpecParser.toJson(spec);
    JobSpec again = JobSpecParser.parse(json);

    assertThat(again.name()).isEqualTo(spec.name());
    assertThat(again.engine()).isEqualTo(spec.engine());
    assertThat(again.inputs()).isEqualTo(spec.inputs());
    assertThat(again.resources()).isEqualTo(spec.resources());
    assertThat(again.timeout()).isEqualTo(spec.timeout());
    assertThat(again.market()).isEqualTo(spec.market());
    assertThat(again).isEqualTo(spec);
    assertThat(JobSpecParser.toJson(again)).isEqualTo(json);
  }

  @Test
  void toJsonIsStableSortedAndCompact() throws IOException {
    JobSpec spec = JobSpecParser.parse(BASE.replace("env: {GREETING: hello}", "env: {ZED: '1', ALPHA: '2', MID: '3'}"));

    String json = JobSpecParser.toJson(spec);

    assertThat(JobSpecParser.toJson(spec)).isEqualTo(json);
    assertThat(json).doesNotContain("\n").startsWith("{\"engine\":{");
    JsonNode tree = new ObjectMapper().readTree(json);
    assertKeysSorted(tree, "$");
    assertThat(fieldNames(tree.get("engine").get("env"))).containsExactly("ALPHA", "MID", "ZED");
    assertThat(fieldNames(tree)).containsExactly("engine", "inputs", "market", "name", "resources", "timeout");
    assertThat(tree.at("/market/maxPrice").asText()).isEqualTo("5000000000000000 attoFIL");
    assertThat(tree.at("/resources/memory").asText()).isEqualTo("67108864B");
    assertThat(tree.at("/resources/cpu").asText()).isEqualTo("500m");
    assertThat(tree.at("/market/executionWindow").asText()).isEqualTo("600s");
  }

  @Test
  void equivalentSpecsWrittenDifferentlyHaveTheSameJson() {
    String reordered = """
        market: {revealWindow: 300, executionWindow: 10m, quorum: 2, replicas: 3, stake: 100 milliFIL,
          maxPrice: 5000000000000000 attoFIL}
        timeout: 1m
        resources: {maxOutput: 1024KiB, cpu: 500m, memory: 67108864, pids: 32}
        inputs: [{path: /inputs/a.csv, cid: %s, source: ipfs}]
        engine:
          env: {GREETING: hello}
          args: ["cat /inputs/a.csv > /outputs/out.csv"]
          entrypoint: ["/bin/sh", "-c"]
          image: cod/busybox:local
          type: docker
        name: demo
        """.formatted(CID);

    assertThat(JobSpecParser.toJson(JobSpecParser.parse(reordered)))
        .isEqualTo(JobSpecParser.toJson(JobSpecParser.parse(BASE)));
  }

  @Test
  void wholeSecondsInMillisecondsAreAccepted() {
    JobSpec spec = JobSpecParser.parse(BASE.replace("timeout: 60s", "timeout: 2000ms"));

    assertThat(spec.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(JobSpecParser.parse(JobSpecParser.toJson(spec))).isEqualTo(spec);
  }

  @Test
  void aUnitlessAmountIsExact() {
    JobSpec spec = JobSpecParser.parse(BASE
        .replace("maxPrice: 0.005 FIL", "maxPrice: 0.123456789012345678")
        .replace("stake: 0.1 FIL", "stake: 0.000000001"));

    assertThat(spec.market().maxPrice().attoFil()).isEqualTo(new BigInteger("123456789012345678"));
    assertThat(spec.market().stake().attoFil()).isEqualTo(BigInteger.TEN.pow(9));
  }

  @Test
  void numbersWrittenAsYamlFloatsKeepTheirMeaning() {
    JobSpec spec = JobSpecParser.parse(BASE.replace("cpu: 0.5", "cpu: 10.0").replace("maxPrice: 0.005 FIL", "maxPrice: 2"));

    assertThat(spec.resources().cpuMillis()).isEqualTo(10_000);
    assertThat(spec.market().maxPrice().attoFil()).isEqualTo(ATTO_PER_FIL.shiftLeft(1));
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        bad("not YAML at all", s -> "engine: {type: docker\n  image: [", "(document)", "well-formed YAML"),
        bad("not a mapping", s -> "- name: demo\n- name: other\n", "(document)", "found array"),
        bad("unknown top-level field", s -> s + "color: blue\n", "color", "unknown field"),
        bad("missing name", s -> replace(s, "name: demo\n", ""), "name", "found nothing"),
        bad("invalid name", s -> replace(s, "name: demo", "name: 'bad name!'"), "name", "\"bad name!\""),
        bad("unknown engine", s -> replace(s, "type: docker", "type: podman"), "engine.type", "\"podman\""),
        bad("missing image", s -> replace(s, "  image: cod/busybox:local\n", ""), "engine.image", "found nothing"),
        bad("args not a list", s -> replace(s, "args: [\"cat /inputs/a.csv > /outputs/out.csv\"]", "args: echo hi"),
            "engine.args", "a list of strings, found string"),
        bad("bad env name", s -> replace(s, "env: {GREETING: hello}", "env: {1BAD: hello}"),
            "engine.env.1BAD", "variable name"),
        bad("inputs not a list", s -> replace(s, "inputs:\n  - {", "inputs:\n  {"), "inputs", "a list, found object"),
        bad("unknown input source", s -> replace(s, "source: ipfs", "source: http"), "inputs[0].source", "\"http\""),
        bad("cid not a CID", s -> replace(s, CID, "bafy-not-a-cid"), "inputs[0].cid", "\"bafy-not-a-cid\""),
        bad("piece source with a UnixFS CID", s -> replace(s, "source: ipfs", "source: piece"), "inputs[0].cid",
            "a piece CID"),
        bad("ipfs source with a piece CID", s -> replace(s, CID, PIECE), "inputs[0].cid", "needs source: piece"),
        bad("two pieces",
            s -> replace(s, "path: /inputs/a.csv}\n", "path: /inputs/a.csv}\n  - {source: piece, cid: " + PIECE
                + ", path: /inputs/p1}\n  - {source: piece, cid: " + PIECE + ", path: /inputs/p2}\n"),
            "inputs[2].source", "at most one piece input"),
        bad("path outside /inputs", s -> replace(s, "path: /inputs/a.csv", "path: /data/a.csv"),
            "inputs[0].path", "\"/data/a.csv\""),
        bad("path with ..", s -> replace(s, "path: /inputs/a.csv", "path: /inputs/../etc/passwd"),
            "inputs[0].path", "\"/inputs/../etc/passwd\""),
        bad("path ending in /", s -> replace(s, "path: /inputs/a.csv", "path: /inputs/dir/"),
            "inputs[0].path", "\"/inputs/dir/\""),
        bad("path ending in /.", s -> replace(s, "path: /inputs/a.csv", "path: /inputs/."),
            "inputs[0].path", "\"/inputs/.\""),
        bad("two inputs with one path",
            s -> replace(s, "path: /inputs/a.csv}\n", "path: /inputs/a.csv}\n  - {source: ipfs, cid: "
                + CID + ", path: /inputs/a.csv}\n"),
            "inputs[1].path", "twice"),
        bad("memory malformed", s -> replace(s, "memory: 64MiB", "memory: lots"), "resources.memory", "\"lots\""),
        bad("memory too small", s -> replace(s, "memory: 64MiB", "memory: 1KiB"), "resources.memory",
            "found 1024 bytes"),
        bad("cpu malformed", s -> replace(s, "cpu: 0.5", "cpu: two"), "resources.cpu", "\"two\""),
        bad("maxOutput missing", s -> replace(s, "  maxOutput: 1MiB\n", ""), "resources.maxOutput", "found nothing"),
        bad("timeout malformed", s -> replace(s, "timeout: 60s", "timeout: soon"), "timeout", "\"soon\""),
        bad("timeout zero", s -> replace(s, "timeout: 60s", "timeout: 0s"), "timeout", "found 0s"),
        bad("timeout not whole seconds", s -> replace(s, "timeout: 60s", "timeout: 1500ms"), "timeout",
            "whole seconds, found \"1500ms\""),
        bad("bidWindow not whole seconds", s -> replace(s, "bidWindow: 0s", "bidWindow: 500ms"), "market.bidWindow",
            "whole seconds, found \"500ms\""),
        bad("timeout overflowing a long", s -> replace(s, "timeout: 60s", "timeout: 99999999999999999999s"),
            "timeout", "99999999999999999999"),
        bad("window overflowing a Duration", s -> replace(s, "executionWindow: 10m", "executionWindow: 9999999999999999d"),
            "market.executionWindow", "9999999999999999d"),
        bad("replicas 0", s -> replace(s, "replicas: 3", "replicas: 0"), "market.replicas", "between 1 and 7, found 0"),
        bad("replicas 8", s -> replace(s, "replicas: 3", "replicas: 8"), "market.replicas", "between 1 and 7, found 8"),
        bad("replicas past 64 bits", s -> replace(s, "replicas: 3", "replicas: 18446744073709551619"),
            "market.replicas", "18446744073709551619"),
        bad("quorum 1 of 3", s -> replace(s, "quorum: 2", "quorum: 1"), "market.quorum",
            "more than replicas/2 and at most replicas (replicas 3), found 1"),
        bad("quorum 3 of 6", s -> replace(replace(s, "replicas: 3", "replicas: 6"), "quorum: 2", "quorum: 3"),
            "market.quorum", "(replicas 6), found 3"),
        bad("quorum over replicas", s -> replace(s, "quorum: 2", "quorum: 4"), "market.quorum",
            "(replicas 3), found 4"),
        bad("maxPrice negative", s -> replace(s, "maxPrice: 0.005 FIL", "maxPrice: -1 FIL"), "market.maxPrice",
            "\"-1 FIL\""),
        bad("maxPrice finer than attoFIL", s -> replace(s, "maxPrice: 0.005 FIL", "maxPrice: 0.5 attoFIL"),
            "market.maxPrice", "finer than 1 attoFIL"),
        bad("maxPrice over 2^80 attoFIL", s -> replace(s, "maxPrice: 0.005 FIL", "maxPrice: 1300000 FIL"),
            "market.maxPrice", "at most 2^80 - 1 attoFIL"),
        bad("stake not whole nanoFIL", s -> replace(s, "stake: 0.1 FIL", "stake: 1000000001 attoFIL"),
            "market.stake", "a whole number of nanoFIL"),
        bad("stake one nanoFIL over 2^56 - 1 nanoFIL", s -> replace(s, "stake: 0.1 FIL", "stake: 72057594037927936 nanoFIL"),
            "market.stake", "at most 2^56 - 1 nanoFIL"),
        bad("executionWindow zero", s -> replace(s, "executionWindow: 10m", "executionWindow: 0s"),
            "market.executionWindow", "found 0s"),
        bad("revealWindow over 30 days", s -> replace(s, "revealWindow: 5m", "revealWindow: 31d"),
            "market.revealWindow", "between 1s and 2592000s, found 2678400s"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void aMalformedSpecIsRejectedNamingTheField(String why, UnaryOperator<String> mutation, String field, String problem) {
    String text = mutation.apply(BASE);

    assertThatThrownBy(() -> JobSpecParser.parse(text))
        .isInstanceOfSatisfying(CodException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining("job spec field '" + field + "': expected ")
        .hasMessageContaining(problem);
  }

  @Test
  void theBaseSpecOfTheMalformedCasesIsValid() {
    assertThat(JobSpecParser.parse(BASE).name()).isEqualTo("demo");
  }

  private static Arguments bad(String why, UnaryOperator<String> mutation, String field, String problem) {
    return Arguments.of(why, mutation, field, problem);
  }

  /** Replaces {@code from}, which must occur, so that no case passes by leaving the spec valid. */
  private static String replace(String text, String from, String to) {
    assertThat(text).as("mutation target").contains(from);
    return text.replace(from, to);
  }

  private static void assertKeysSorted(JsonNode node, String where) {
    if (node.isObject()) {
      List<String> names = fieldNames(node);
      assertThat(names).as("keys of %s", where).isSorted();
      for (String name : names) {
        assertKeysSorted(node.get(name), where + "." + name);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        assertKeysSorted(node.get(i), where + "[" + i + "]");
      }
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      names.add(it.next().getKey());
    }
    return names;
  }
}
