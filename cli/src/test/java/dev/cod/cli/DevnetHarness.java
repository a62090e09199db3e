package dev.cod.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cod.chain.HardhatNode;
import dev.cod.node.ipfs.KuboDaemon;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * A devnet for end-to-end tests, started with the same code as {@code cod devnet start}, and the
 * {@code cod} command run in-process against it, as a user would type it.
 */
final class DevnetHarness implements AutoCloseable {
  /** What a {@code cod} command printed and returned. */
  record Run(int exitCode, String out, String err) {}

  final Path hardhatDir;
  final Path dir;
  final Devnet devnet;

  private DevnetHarness(Path hardhatDir, Path dir, Devnet devnet) {
    this.hardhatDir = hardhatDir;
    this.dir = dir;
    this.devnet = devnet;
  }

  /** Starts a devnet with three providers in {@code tmp/devnet}. */
  static DevnetHarness start(Path tmp) {
    Path hardhatDir = HardhatNode.findHardhatDir();
    Path ipfs = KuboDaemon.findBinary().orElseThrow(() -> new AssertionError(
        "Kubo (ipfs binary) not found: run scripts/setup.sh or set COD_IPFS_BIN"));
    Path dir = tmp.resolve("devnet");
    return new DevnetHarness(hardhatDir, dir, Devnet.start(dir, hardhatDir, ipfs, 3));
  }

  /** Runs {@code cod --config <devnet>/client.yaml ARGS...}. */
  Run cod(String... args) {
    return cod(System.getenv(), NO_TERMINAL, args);
  }

  /** A prompter with no terminal, as under CI: every question goes unanswered. */
  static final Prompter NO_TERMINAL = new Prompter() {
    @Override
    public java.util.Optional<String> readLine(String prompt) {
      return java.util.Optional.empty();
    }

    @Override
    public java.util.Optional<char[]> readPassword(String prompt) {
      return java.util.Optional.empty();
    }
  };

  /**
   * Runs {@code cod --config <devnet>/client.yaml ARGS...} with this environment and terminal;
   * ARGS may start with their own {@code --config FILE}.
   */
  Run cod(java.util.Map<String, String> env, Prompter prompter, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Cod cod = new Cod();
    cod.env = env;
    cod.prompter = prompter;
    CommandLine cl = Cod.commandLine(cod);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    // the devnet's client config unless the command names another
    List<String> all = new ArrayList<>(args.length > 0 && args[0].equals("--config") ? List.of()
        : List.of("--config", dir.resolve("client.yaml").toString()));
    all.addAll(List.of(args));
    int code = cl.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  /** The value of a {@code name: value} line the CLI printed. */
  static String field(String output, String name) {
    Matcher m = Pattern.compile("^" + name + ": (\\S+)$", Pattern.MULTILINE).matcher(output);
    assertThat(m.find()).as("'%s:' in output:%n%s", name, output).isTrue();
    return m.group(1);
  }

  @Override
  public void close() {
    devnet.close();
  }
}
