package dev.cod.cli;

import dev.cod.common.CodException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code cod} command: the only place that wires cod's parts together. */
@Command(name = "cod", mixinStandardHelpOptions = true, version = "cod 0.1.0",
    description = "Compute over data on Filecoin: post jobs, run a provider node, run a local devnet, serve the reputation dashboard.",
    subcommands = {DataCommand.class, JobCommand.class, NodeCommand.class, DevnetCommand.class, WasmCommand.class,
        ReputationCommand.class})
public final class Cod {
  @Option(names = "--config", description = "client config YAML (default: $COD_CONFIG, else .devnet/client.yaml)")
  Path config;

  /** Environment seen by the commands; tests replace it. */
  Map<String, String> env = System.getenv();

  ClientConfig clientConfig() {
    return ClientConfig.load(config, env);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with cod's error handling: a {@link CodException} prints its message, exit code 1. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Cod());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof CodException ce) {
        cmd.getErr().println("error [" + ce.code() + "]: " + ce.getMessage());
        return 1;
      }
      throw e;
    });
    return cl;
  }
}
