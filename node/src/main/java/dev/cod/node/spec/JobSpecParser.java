package dev.cod.node.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cod.chain.JobTerms;
import dev.cod.cid.Cid;
import dev.cod.cid.PieceCommitment;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.payments.FilAmount;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a job spec from YAML (what clients write) or JSON (what is published to IPFS; JSON is
 * YAML) and checks every field before anything is sent. An error names the field by its path
 * (e.g. {@code market.quorum}), says what was expected and what was found.
 *
 * <pre>
 * name: seattle-precipitation
 * engine: {type: docker, image: cod/busybox:local, entrypoint: [sh, -c], args: ["..."], env: {}}
 * inputs: [{source: ipfs, cid: bafk..., path: /inputs/seattle-weather.csv}]
 * resources: {memory: 256MiB, cpu: 1, pids: 64, maxOutput: 16MiB}
 * timeout: 60s
 * market: {replicas: 3, quorum: 2, maxPrice: 0.005 FIL, stake: 0.1 FIL,
 *          bidWindow: 0s, executionWindow: 10m, revealWindow: 5m}
 * </pre>
 *
 * <p>A WASM job names its module by CID instead of an image, and one exported function as its
 * entry point (default {@code _start}); it runs on one thread, so {@code resources.cpu} must be at
 * least 1:
 *
 * <pre>
 * engine: {type: wasm, module: bafk..., entrypoint: _start, args: ["..."], env: {}}
 * </pre>
 */
public final class JobSpecParser {
  /** Limits shared with the contract (MAX_REPLICAS, MAX_WINDOW). */
  public static final int MAX_REPLICAS = 7;
  public static final Duration MAX_WINDOW = Duration.ofDays(30);
  public static final Set<String> ENGINES = Set.of("docker", JobSpec.Engine.WASM);
  /**
   * Storage sources an input may name: {@code ipfs} (a UnixFS CID) and {@code piece} (a Filecoin
   * piece CID, v1 {@code baga6ea4sea…} or FRC-0069 v2 {@code bafkzcib…}: a CAR stored in a deal,
   * which the job's providers must hold; at most one per job, since the market records one).
   */
  public static final Set<String> SOURCES = Set.of("ipfs", "piece");
  /** attoFIL per nanoFIL: stakes are whole nanoFIL on chain. */
  private static final java.math.BigInteger NANO_FIL = java.math.BigInteger.TEN.pow(9);

  /** Floats as exact decimals with their written scale: a unit-less amount like 0.123456789012345678 stays exact. */
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
  private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final Pattern DURATION = Pattern.compile("([0-9]+)\\s*(ms|s|m|h|d)?");
  private static final Pattern SIZE = Pattern.compile("([0-9]+)\\s*(B|KiB|MiB|GiB|KB|MB|GB)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private JobSpecParser() {}

  /**
   * Parses and validates a spec.
   *
   * @param text YAML or JSON
   * @throws CodException INVALID_INPUT naming the first bad field
   */
  public static JobSpec parse(String text) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      throw invalid("(document)", "well-formed YAML", e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw invalid("(document)", "a mapping with name, engine, inputs, resources, timeout, market", kind(root));
    }
    only(root, "", "name", "engine", "inputs", "resources", "timeout", "market");
    String name = text(root, "name", true);
    if (!NAME.matcher(name).matches()) {
      throw invalid("name", "1-64 characters of letters, digits, '.', '_' or '-'", "\"" + name + "\"");
    }
    JobSpec.Engine engine = engine(object(root, "engine"));
    JobSpec.Resources resources = resources(object(root, "resources"));
    if (JobSpec.Engine.WASM.equals(engine.type()) && resources.cpuMillis() < 1000) {
      throw invalid("resources.cpu", "at least 1 for engine wasm (a module runs on one thread and is not throttled)",
          resources.cpuMillis() + "m");
    }
    return new JobSpec(name, engine, inputs(root.get("inputs")),
        resources, duration(root, "timeout", "", Duration.ofSeconds(1), Duration.ofHours(24)),
        market(object(root, "market")));
  }

  /** The canonical JSON of a spec (sorted keys, no blanks): what is published to IPFS. */
  public static String toJson(JobSpec spec) {
    ObjectNode root = JSON.createObjectNode();
    root.put("name", spec.name());
    ObjectNode engine = root.putObject("engine");
    engine.put("type", spec.engine().type());
    if (JobSpec.Engine.WASM.equals(spec.engine().type())) {
      engine.put("module", spec.engine().image());
      engine.put("entrypoint", spec.engine().entrypoint().get(0));
    } else {
      engine.put("image", spec.engine().image());
      spec.engine().entrypoint().forEach(engine.putArray("entrypoint")::add);
    }
    spec.engine().args().forEach(engine.putArray("args")::add);
    ObjectNode env = engine.putObject("env");
    new TreeMap<>(spec.engine().env()).forEach(env::put);
    ArrayNode inputs = root.putArray("inputs");
    for (JobSpec.Input in : spec.inputs()) {
      inputs.addObject().put("source", in.source()).put("cid", in.cid().toString()).put("path", in.path());
    }
    root.putObject("resources")
        .put("memory", spec.resources().memoryBytes() + "B")
        .put("cpu", spec.resources().cpuMillis() + "m")
        .put("pids", spec.resources().pids())
        .put("maxOutput", spec.resources().maxOutputBytes() + "B");
    root.put("timeout", spec.timeout().toSeconds() + "s");
    JobSpec.Market m = spec.market();
    root.putObject("market")
        .put("replicas", m.replicas())
        .put("quorum", m.quorum())
        .put("maxPrice", m.maxPrice().attoFil() + " attoFIL")
        .put("stake", m.stake().attoFil() + " attoFIL")
        .put("bidWindow", m.bidWindow().toSeconds() + "s")
        .put("executionWindow", m.executionWindow().toSeconds() + "s")
        .put("revealWindow", m.revealWindow().toSeconds() + "s");
    try {
      // As maps, so that ORDER_MAP_ENTRIES_BY_KEYS sorts every level (it does not apply to ObjectNode).
      return JSON.writeValueAsString(JSON.treeToValue(root, Object.class));
    } catch (JsonProcessingException e) {
      throw new CodException(ErrorCode.INTERNAL, "cannot write spec JSON", e);
    }
  }

  private static JobSpec.Engine engine(JsonNode node) {
    String type = text(node, "type", true, "engine.");
    if (!ENGINES.contains(type)) {
      throw invalid("engine.type", "one of " + new java.util.TreeSet<>(ENGINES), "\"" + type + "\"");
    }
    String image;
    List<String> entrypoint;
    if (JobSpec.Engine.WASM.equals(type)) {
      only(node, "engine.", "type", "module", "entrypoint", "args", "env");
      image = text(node, "module", true, "engine.");
      try {
        Cid.parse(image);
      } catch (CodException e) {
        throw invalid("engine.module", "the WASM module's CID (v0 Qm… or v1 bafy…/bafk…)", "\"" + image + "\": " + e.getMessage());
      }
      JsonNode ep = node.get("entrypoint");
      if (ep == null || ep.isNull()) {
        entrypoint = List.of("_start");
      } else {
        List<String> names = ep.isArray() ? strings(ep, "engine.entrypoint") : List.of(text(node, "entrypoint", true, "engine."));
        if (names.size() != 1 || names.get(0).isBlank()) {
          throw invalid("engine.entrypoint", "one exported function name like _start", ep.toString());
        }
        entrypoint = names;
      }
    } else {
      only(node, "engine.", "type", "image", "entrypoint", "args", "env");
      image = text(node, "image", true, "engine.");
      entrypoint = strings(node.get("entrypoint"), "engine.entrypoint");
    }
    List<String> args = strings(node.get("args"), "engine.args");
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode envNode = node.get("env");
    if (envNode != null && !envNode.isNull()) {
      if (!envNode.isObject()) {
        throw invalid("engine.env", "a mapping of NAME: value", kind(envNode));
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = envNode.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!ENV_NAME.matcher(e.getKey()).matches()) {
          throw invalid("engine.env." + e.getKey(), "a variable name ([A-Za-z_][A-Za-z0-9_]*)", "\"" + e.getKey() + "\"");
        }
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          throw invalid("engine.env." + e.getKey(), "a string", kind(e.getValue()));
        }
        env.put(e.getKey(), e.getValue().asText());
      }
    }
    return new JobSpec.Engine(type, image, entrypoint, args, env);
  }

  private static List<JobSpec.Input> inputs(JsonNode node) {
    List<JobSpec.Input> inputs = new ArrayList<>();
    if (node == null || node.isNull()) {
      return inputs;
    }
    if (!node.isArray()) {
      throw invalid("inputs", "a list", kind(node));
    }
    Set<String> paths = new java.util.HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      String field = "inputs[" + i + "].";
      JsonNode in = node.get(i);
      if (!in.isObject()) {
        throw invalid("inputs[" + i + "]", "a mapping with source, cid, path", kind(in));
      }
      only(in, field, "source", "cid", "path");
      String source = text(in, "source", true, field);
      if (!SOURCES.contains(source)) {
        throw invalid(field + "source", "one of " + SOURCES, "\"" + source + "\"");
      }
      String cidText = text(in, "cid", true, field);
      Cid cid;
      try {
        cid = Cid.parse(cidText);
      } catch (CodException e) {
        throw invalid(field + "cid", "a CID (v0 Qm… or v1 bafy…/bafk…)", "\"" + cidText + "\": " + e.getMessage());
      }
      boolean piece = PieceCommitment.isPieceCid(cid);
      if (source.equals("piece") != piece) {
        throw invalid(field + "cid", source.equals("piece")
            ? "a piece CID (baga6ea4sea… or bafkzcib…) for source piece"
            : "a UnixFS CID for source " + source + " (a piece CID needs source: piece)", "\"" + cidText + "\"");
      }
      if (piece && inputs.stream().anyMatch(other -> other.source().equals("piece"))) {
        throw invalid(field + "source", "at most one piece input (the market records one piece per job)",
            "a second piece " + cidText);
      }
      String path = text(in, "path", true, field);
      if (!path.startsWith("/inputs/") || path.contains("/../") || path.endsWith("/..") || path.contains("//")
          || path.contains("/./") || path.endsWith("/.") || path.length() <= "/inputs/".length() || path.endsWith("/")) {
        throw invalid(field + "path", "an absolute path under /inputs/ without '..', '.' or empty segments", "\"" + path + "\"");
      }
      if (!paths.add(path)) {
        throw invalid(field + "path", "a path no other input uses", "\"" + path + "\" twice");
      }
      inputs.add(new JobSpec.Input(source, cid, path));
    }
    return inputs;
  }

  private static JobSpec.Resources resources(JsonNode node) {
    only(node, "resources.", "memory", "cpu", "pids", "maxOutput");
    long memory = size(node, "memory", "resources.", 4L << 20, 64L << 30);
    long cpu = cpuMillis(node.get("cpu"));
    long pids = node.has("pids") ? integer(node, "pids", "resources.", 1, 4096) : 64;
    long maxOutput = size(node, "maxOutput", "resources.", 1, 1L << 30);
    return new JobSpec.Resources(memory, cpu, pids, maxOutput);
  }

  private static JobSpec.Market market(JsonNode node) {
    only(node, "market.", "replicas", "quorum", "maxPrice", "stake", "bidWindow", "executionWindow", "revealWindow");
    int replicas = (int) integer(node, "replicas", "market.", 1, MAX_REPLICAS);
    int quorum = (int) integer(node, "quorum", "market.", 1, MAX_REPLICAS);
    if (quorum > replicas || quorum * 2 <= replicas) {
      throw invalid("market.quorum", "more than replicas/2 and at most replicas (replicas " + replicas + ")", String.valueOf(quorum));
    }
    FilAmount maxPrice = amount(node, "maxPrice");
    if (maxPrice.attoFil().bitLength() > 80) {
      throw invalid("market.maxPrice", "at most 2^80 - 1 attoFIL (about 1.2 million FIL) per replica", maxPrice.toString());
    }
    FilAmount stake = amount(node, "stake");
    if (stake.attoFil().mod(NANO_FIL).signum() != 0) {
      throw invalid("market.stake", "a whole number of nanoFIL (the market keeps stakes in nanoFIL)", stake.toString());
    }
    if (stake.attoFil().compareTo(JobTerms.MAX_STAKE_PER_REPLICA) > 0) {
      throw invalid("market.stake", "at most 2^56 - 1 nanoFIL (about 72 million FIL; the market keeps stakes in 56 bits"
          + " of nanoFIL)", stake.toString());
    }
    Duration bidWindow = node.has("bidWindow")
        ? duration(node, "bidWindow", "market.", Duration.ZERO, MAX_WINDOW) : Duration.ZERO;
    Duration execution = duration(node, "executionWindow", "market.", Duration.ofSeconds(1), MAX_WINDOW);
    Duration reveal = duration(node, "revealWindow", "market.", Duration.ofSeconds(1), MAX_WINDOW);
    return new JobSpec.Market(replicas, quorum, maxPrice, stake, bidWindow, execution, reveal);
  }

  private static FilAmount amount(JsonNode node, String key) {
    JsonNode v = node.get(key);
    String text = v != null && v.isNumber() ? v.decimalValue().toPlainString() : text(node, key, true, "market.");
    try {
      return FilAmount.parse(text);
    } catch (CodException e) {
      throw invalid("market." + key, "a FIL amount like \"0.01 FIL\"", "\"" + text + "\": " + e.getMessage());
    }
  }

  private static long cpuMillis(JsonNode node) {
    if (node == null || node.isNull()) {
      return 1000;
    }
    String text = node.asText().trim();
    Matcher m = Pattern.compile("([0-9]+(?:\\.[0-9]{1,3})?)(m)?").matcher(text);
    if (!node.isValueNode() || !m.matches()) {
      throw invalid("resources.cpu", "cores like 1 or 0.5, or millicores like 500m", "\"" + text + "\"");
    }
    long millis = m.group(2) != null ? Long.parseLong(m.group(1).replaceAll("\\..*", ""))
        : new java.math.BigDecimal(m.group(1)).movePointRight(3).longValueExact();
    if (millis < 10 || millis > 64_000) {
      throw invalid("resources.cpu", "between 0.01 and 64 cores", text);
    }
    return millis;
  }

  private static long size(JsonNode node, String key, String prefix, long min, long max) {
    String text = text(node, key, true, prefix);
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw invalid(prefix + key, "a size like 256MiB, 1GiB or 1048576", "\"" + text + "\"");
    }
    long factor = switch (m.group(2) == null ? "b" : m.group(2).toLowerCase()) {
      case "kib" -> 1L << 10;
      case "mib" -> 1L << 20;
      case "gib" -> 1L << 30;
      case "kb" -> 1_000L;
      case "mb" -> 1_000_000L;
      case "gb" -> 1_000_000_000L;
      default -> 1L;
    };
    long value;
    try {
      value = Math.multiplyExact(Long.parseLong(m.group(1)), factor);
    } catch (ArithmeticException | NumberFormatException e) {
      throw invalid(prefix + key, "a size that fits 63 bits", "\"" + text + "\"");
    }
    if (value < min || value > max) {
      throw invalid(prefix + key, "between " + min + " and " + max + " bytes", value + " bytes");
    }
    return value;
  }

  private static Duration duration(JsonNode node, String key, String prefix, Duration min, Duration max) {
    String text = text(node, key, true, prefix);
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw invalid(prefix + key, "a duration like 30s, 10m, 2h or a number of seconds", "\"" + text + "\"");
    }
    Duration d;
    try {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2) == null ? "s" : m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> Duration.ofSeconds(n);
      };
    } catch (NumberFormatException | ArithmeticException e) {
      throw invalid(prefix + key, "between " + min.toSeconds() + "s and " + max.toSeconds() + "s", "\"" + text + "\"");
    }
    if (d.toMillisPart() != 0) {
      // The contract and the canonical JSON keep whole seconds.
      throw invalid(prefix + key, "whole seconds", "\"" + text + "\"");
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw invalid(prefix + key, "between " + min.toSeconds() + "s and " + max.toSeconds() + "s", d.toSeconds() + "s");
    }
    return d;
  }

  private static long integer(JsonNode node, String key, String prefix, long min, long max) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      throw invalid(prefix + key, "a whole number", "nothing");
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw invalid(prefix + key, "a whole number", kind(v) + " " + v);
    }
    long n = v.asLong();
    if (n < min || n > max) {
      throw invalid(prefix + key, "between " + min + " and " + max, String.valueOf(n));
    }
    return n;
  }

  private static List<String> strings(JsonNode node, String field) {
    List<String> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      throw invalid(field, "a list of strings", kind(node));
    }
    for (int i = 0; i < node.size(); i++) {
      if (!node.get(i).isValueNode() || node.get(i).isNull()) {
        throw invalid(field + "[" + i + "]", "a string", kind(node.get(i)));
      }
      out.add(node.get(i).asText());
    }
    return out;
  }

  private static JsonNode object(JsonNode root, String key) {
    JsonNode node = root.get(key);
    if (node == null || node.isNull()) {
      throw invalid(key, "a mapping", "nothing");
    }
    if (!node.isObject()) {
      throw invalid(key, "a mapping", kind(node));
    }
    return node;
  }

  private static String text(JsonNode node, String key, boolean required) {
    return text(node, key, required, "");
  }

  private static String text(JsonNode node, String key, boolean required, String prefix) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      throw invalid(prefix + key, "a value", "nothing");
    }
    if (!v.isValueNode()) {
      throw invalid(prefix + key, "a single value", kind(v));
    }
    String s = v.asText();
    if (required && s.isBlank()) {
      throw invalid(prefix + key, "a non-empty value", "an empty string");
    }
    return s;
  }

  private static void only(JsonNode node, String prefix, String... allowed) {
    Set<String> ok = Set.of(allowed);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!ok.contains(f)) {
        throw invalid(prefix + f, "one of the fields " + List.of(allowed), "an unknown field");
      }
    }
  }

  private static String kind(JsonNode node) {
    if (node == null || node.isNull()) {
      return "nothing";
    }
    return node.getNodeType().toString().toLowerCase();
  }

  private static CodException invalid(String field, String expected, String found) {
    return new CodException(ErrorCode.INVALID_INPUT,
        "job spec field '" + field + "': expected " + expected + ", found " + found);
  }
}
