package dev.cod.node.spec;

import dev.cod.cid.Cid;
import dev.cod.payments.FilAmount;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A job as a client describes it, after the Bacalhau job spec: what to run (the engine), over
 * which data (inputs), with which resources and timeout, and on which market terms. Parsed and
 * validated by {@link JobSpecParser}; published to IPFS as canonical JSON ({@link JobSpecParser#toJson}).
 */
public record JobSpec(
    String name, Engine engine, List<Input> inputs, Resources resources, Duration timeout, Market market) {
  public JobSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(engine, "engine");
    inputs = List.copyOf(inputs);
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(market, "market");
  }

  /**
   * The engine: {@code type} names the executor.
   *
   * <ul>
   *   <li>{@code docker}: {@code image} is an image reference that must be present on the provider
   *       (no pulls); {@code entrypoint} replaces the image's, {@code args} follow it.
   *   <li>{@code wasm}: {@code image} is the CID (text) of the WASM module on IPFS (YAML field
   *       {@code module}); {@code entrypoint} holds exactly one exported function name (default
   *       {@code _start}); {@code args} follow {@code argv[0]}; {@code env} is the whole
   *       environment.
   * </ul>
   *
   * @throws IllegalArgumentException for {@code wasm}, if {@code image} is not a CID or {@code
   *     entrypoint} does not hold exactly one name
   */
  public record Engine(String type, String image, List<String> entrypoint, List<String> args, Map<String, String> env) {
    /** The engine type of WASM jobs. */
    public static final String WASM = "wasm";

    public Engine {
      entrypoint = List.copyOf(entrypoint);
      args = List.copyOf(args);
      env = Map.copyOf(env);
      if (WASM.equals(type)) {
        try {
          Cid.parse(image);
        } catch (dev.cod.common.CodException e) {
          throw new IllegalArgumentException("a wasm engine's image is the module's CID: " + e.getMessage(), e);
        }
        if (entrypoint.size() != 1) {
          throw new IllegalArgumentException("a wasm entrypoint is one function name, got " + entrypoint);
        }
      }
    }

    /** The WASM module's CID, for a {@code wasm} engine; empty for any other. */
    public java.util.Optional<Cid> module() {
      return WASM.equals(type) ? java.util.Optional.of(Cid.parse(image)) : java.util.Optional.empty();
    }
  }

  /**
   * An input: content {@code cid} from storage source {@code source} (e.g. {@code ipfs}), shown to
   * the job read-only at {@code path}, an absolute path under {@code /inputs}.
   */
  public record Input(String source, Cid cid, String path) {}

  /**
   * The input stored as a Filecoin piece ({@code source: piece}), if any: its CID is the job's
   * {@code inputPieceCid} on chain, and only providers holding an active deal for it may bid.
   */
  public java.util.Optional<Input> pieceInput() {
    return inputs.stream().filter(in -> in.source().equals("piece")).findFirst();
  }

  /**
   * @param memoryBytes memory limit, bytes
   * @param cpuMillis CPU limit, thousandths of a core
   * @param pids most processes
   * @param maxOutputBytes most bytes of outputs + stdout + stderr
   */
  public record Resources(long memoryBytes, long cpuMillis, long pids, long maxOutputBytes) {}

  /**
   * Market terms. Windows in seconds; amounts exact.
   *
   * @param maxPrice most paid per replica
   * @param stake each provider's stake per replica
   */
  public record Market(int replicas, int quorum, FilAmount maxPrice, FilAmount stake, Duration bidWindow,
      Duration executionWindow, Duration revealWindow) {
    /** The escrow the client sends: replicas × maxPrice. */
    public FilAmount escrow() {
      return maxPrice.times(replicas);
    }
  }
}
