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
    subcommands = {DataCommand.class, JobCommand.class, WalletCommand.class, ProviderCommand.class, NodeCommand.class,
        DevnetCommand.class, WasmCommand.class, ReputationCommand.class})
public final class Cod {
  @Option(names = "--config", description = "client config YAML (default: $COD_CONFIG, else .devnet/client.yaml)")
  Path config;

  /** Environment seen by the commands; tests replace it. */
  Map<String, String> env = System.getenv();

  /** The terminal, for passwords and confirmations; tests replace it. */
  Prompter prompter = Prompter.system();

  ClientConfig clientConfig() {
    return ClientConfig.load(config, env);
  }

  /** The client commands' parts; the keystore password from the config's file, else $COD_WALLET_PASSWORD, else a prompt. */
  ClientContext clientContext() {
    ClientConfig c = clientConfig();
    return new ClientContext(c, () -> new PasswordOptions().password(env, prompter, "the client account ("
        + c.keystore().getFileName() + ")", false));
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with cod's error handling: a {@link CodException} prints its message, exit code 1. */
  public static CommandLine commandLine() {
    return commandLine(new Cod());
  }

  /** As {@link #commandLine()}, on a given {@link Cod} (tests set its environment and prompter). */
  static CommandLine commandLine(Cod cod) {
    CommandLine cl = new CommandLine(cod);
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
