package dev.cod.cli;

import dev.cod.chain.HardhatNode;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.node.ipfs.KuboDaemon;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cod devnet}: everything on one machine, for trying cod and for tests. */
@Command(name = "devnet", description = "Run a local devnet.", subcommands = DevnetCommand.Start.class)
final class DevnetCommand {
  @Command(name = "start", description = "Start a Hardhat chain, a Kubo daemon, the contracts and provider nodes; run until interrupted.")
  static final class Start implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--dir", description = "devnet directory, emptied first (default: ${DEFAULT-VALUE})")
    Path dir = Path.of(".devnet");
    @Option(names = "--providers", description = "provider nodes (default: ${DEFAULT-VALUE})")
    int providers = 3;
    @Option(names = "--piece", paramLabel = "FILE",
        description = "a data set (file or directory) to pack into a Filecoin piece and record deals of, for piece jobs")
    Path piece;
    @Option(names = "--piece-holders", split = ",", paramLabel = "N",
        description = "the providers (numbers from 1) holding a deal of --piece (default: all)")
    List<Integer> holders;

    @Override
    public Integer call() throws InterruptedException {
      Path ipfs = KuboDaemon.findBinary().orElseThrow(() -> new CodException(ErrorCode.INVALID_INPUT,
          "no Kubo binary found: install it (scripts/setup.sh) or set " + KuboDaemon.BINARY_ENV));
      Devnet devnet = Devnet.start(dir, HardhatNode.findHardhatDir(), ipfs, providers);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        devnet.close();
        stopped.countDown();
      }));
      PrintWriter out = spec.commandLine().getOut();
      out.printf("chain (JSON-RPC)  %s  (chain id 31337)%n", devnet.rpcUrl());
      out.printf("IPFS (Kubo RPC)   %s%n", devnet.ipfsApi());
      out.printf("JobMarket         %s%n", devnet.market());
      int i = 1;
      for (String p : devnet.providerAccounts()) {
        out.printf("provider-%d        %s  (config %s)%n", i, p, devnet.dir().resolve("provider-" + i + ".yaml"));
        i++;
      }
      if (piece != null) {
        List<Integer> who = holders != null ? holders : IntStream.rangeClosed(1, providers).boxed().toList();
        Devnet.StoredPiece stored = devnet.storePiece(piece, who);
        out.printf("piece             %s  (%s: root %s, %d bytes padded)%n", stored.pieceCid(), piece.getFileName(),
            stored.rootCid(), stored.paddedSize());
        stored.deals().forEach((n, deal) -> out.printf("  deal %d          held by provider-%d (f0%d)%n", deal, n,
            Devnet.minerId(n)));
      }
      out.printf("lotus wallet      %s  (1000 FIL in the Lotus stand-in: cod wallet fund --from %s --amount …)%n",
          devnet.lotusWallet(), devnet.lotusWallet());
      out.printf("client config     %s%n", devnet.dir().resolve("client.yaml"));
      out.println("devnet ready");
      out.flush();
      stopped.await();
      return 0;
    }
  }
}
