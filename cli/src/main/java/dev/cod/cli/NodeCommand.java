package dev.cod.cli;

import dev.cod.node.NodeConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cod node}: the provider daemon. */
@Command(name = "node", description = "Run a provider node.", subcommands = NodeCommand.Start.class)
final class NodeCommand {
  @ParentCommand
  Cod cod;

  @Command(name = "start", description = "Start a provider node: register and stake if needed, then bid, run, commit, reveal and withdraw until stopped.")
  static final class Start implements Callable<Integer> {
    @ParentCommand
    NodeCommand parent;
    @Spec
    CommandSpec spec;
    @Option(names = "--config", required = true, description = "node config YAML")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
      NodeConfig nodeConfig = NodeConfig.load(config, parent.cod.env);
      RunningNode node = RunningNode.start(nodeConfig);
      Runtime.getRuntime().addShutdownHook(new Thread(node::close));
      spec.commandLine().getOut().printf("node %s running as %s on market %s%n", nodeConfig.name(),
          node.market.account(), nodeConfig.market());
      spec.commandLine().getOut().flush();
      node.join();
      return 0;
    }
  }
}
