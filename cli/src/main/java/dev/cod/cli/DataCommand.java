package dev.cod.cli;

import dev.cod.cid.Cid;
import dev.cod.node.ipfs.KuboRpcClient;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cod data}: put data where jobs can read it. */
@Command(name = "data", description = "Manage job input data.", subcommands = DataCommand.Add.class)
final class DataCommand {
  @ParentCommand
  Cod cod;

  @Command(name = "add", description = "Add a file or directory to IPFS (CIDv1, raw leaves, 256 KiB chunks); prints its CID.")
  static final class Add implements Callable<Integer> {
    @ParentCommand
    DataCommand data;
    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "PATH", description = "file or directory")
    Path path;

    @Override
    public Integer call() {
      ClientConfig config = data.cod.clientConfig();
      Cid cid = new KuboRpcClient(config.ipfsApi()).add(path);
      spec.commandLine().getOut().println(cid);
      return 0;
    }
  }
}
