package dev.cod.cli;

import dev.cod.chain.ChainConnection;
import dev.cod.chain.HardhatNode;
import dev.cod.chain.TxResult;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.common.RetriableCodException;
import dev.cod.filecoin.FilecoinAddress;
import dev.cod.filecoin.FilecoinAddress.Network;
import dev.cod.filecoin.lotus.JsonRpc4jLotusClient;
import dev.cod.payments.FilAmount;
import dev.cod.payments.FilecoinFunding;
import dev.cod.payments.Keystore;
import dev.cod.payments.WalletStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.Transfer;
import org.web3j.utils.Convert;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cod wallet}: accounts in Ethereum keystore v3 files, their FIL, funding from Lotus and
 * withdrawing what the market holds.
 */
@Command(name = "wallet", description = "Create and use wallets: keystores, balances, funding from Filecoin, withdrawals.",
    subcommands = {WalletCommand.New.class, WalletCommand.Import.class, WalletCommand.ListWallets.class,
        WalletCommand.Show.class, WalletCommand.Fund.class, WalletCommand.Withdraw.class})
final class WalletCommand {
  /** The Hardhat dev account the devnet's funding bridge pays from (0 deploys, 1 is the client, 2.. providers). */
  static final int DEVNET_BRIDGE_ACCOUNT = 10;
  /** The only chain the devnet bridge runs on (Hardhat). */
  static final long DEVNET_CHAIN_ID = 31337;
  /** The value of {@code fundingBridge} in a devnet's client.yaml. */
  static final String DEVNET_BRIDGE = "devnet-hardhat";

  @ParentCommand
  Cod cod;

  /** The wallet directory option shared by the subcommands. */
  static final class DirOption {
    @Option(names = "--dir", paramLabel = "DIR",
        description = "wallet directory (default: $COD_WALLET_DIR, else ~/.cod/wallets; created 0700)")
    Path dir;

    WalletStore store(Cod cod) {
      return new WalletStore(dir != null ? dir : WalletStore.defaultDir(cod.env));
    }
  }

  /** The network whose address prefix a chain uses: f for Filecoin mainnet (chain 314), t elsewhere. */
  static Network network(long chainId) {
    return chainId == 314 ? Network.MAINNET : Network.TESTNET;
  }

  static void printAddresses(PrintWriter out, String address) {
    out.printf("address: %s%n", address);
    out.printf("f410f: %s%n", FilecoinAddress.fromEthAddress(Network.MAINNET, address));
    out.printf("t410f: %s%n", FilecoinAddress.fromEthAddress(Network.TESTNET, address));
  }

  @Command(name = "new", description = "Create an account: a new key in a keystore v3 file (scrypt, full strength).")
  static final class New implements Callable<Integer> {
    @ParentCommand
    WalletCommand wallet;
    @Spec
    CommandSpec spec;
    @Mixin
    DirOption dir = new DirOption();
    @Mixin
    PasswordOptions password = new PasswordOptions();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      WalletStore store = dir.store(wallet.cod);
      WalletStore.Wallet w = store.create(password.password(wallet.cod.env, wallet.cod.prompter, "the new wallet", true));
      printAddresses(out, w.address());
      out.printf("keystore: %s%n", w.file());
      return 0;
    }
  }

  @Command(name = "import", description = "Import a private key (from a 0600 file) or a keystore v3 file; stored at full scrypt strength.")
  static final class Import implements Callable<Integer> {
    @ParentCommand
    WalletCommand wallet;
    @Spec
    CommandSpec spec;
    @Mixin
    DirOption dir = new DirOption();
    @Mixin
    PasswordOptions password = new PasswordOptions();
    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
      @Option(names = "--private-key-file", paramLabel = "FILE", description = "file holding the key as 64 hex digits (0600)")
      Path keyFile;
      @Option(names = "--keystore", paramLabel = "FILE", description = "a keystore v3 file, decrypted with the password")
      Path keystore;
    }

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      WalletStore store = dir.store(wallet.cod);
      String pw = password.password(wallet.cod.env, wallet.cod.prompter, "the imported wallet", source.keyFile != null);
      WalletStore.Wallet w = source.keyFile != null ? store.importPrivateKey(source.keyFile, pw)
          : store.importKeystore(source.keystore, pw);
      printAddresses(out, w.address());
      out.printf("keystore: %s%n", w.file());
      return 0;
    }
  }

  @Command(name = "list", description = "List the wallets: 0x address, f410f address, keystore file.")
  static final class ListWallets implements Callable<Integer> {
    @ParentCommand
    WalletCommand wallet;
    @Spec
    CommandSpec spec;
    @Mixin
    DirOption dir = new DirOption();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      WalletStore store = dir.store(wallet.cod);
      List<WalletStore.Wallet> all = store.list();
      if (all.isEmpty()) {
        out.printf("no wallets in %s: create one with `cod wallet new`%n", store.dir());
      }
      for (WalletStore.Wallet w : all) {
        out.printf("%s  %s  %s%n", w.address(), w.filecoinAddress(Network.MAINNET), w.file());
      }
      return 0;
    }
  }

  @Command(name = "show", description = "Show an account: 0x and f410f addresses, balance, and what the market holds for it.")
  static final class Show implements Callable<Integer> {
    @ParentCommand
    WalletCommand wallet;
    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "ACCOUNT", arity = "0..1",
        description = "0x… or f410f… (default: the client config's account)")
    String account;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      ClientConfig.Source config = ClientConfig.Source.open(wallet.cod.config, wallet.cod.env);
      String address = account != null ? WalletStore.toEthAddress(account)
          : Keystore.address(config.path(config.required("keystore", "COD_KEYSTORE")));
      try (ChainConnection chain = ChainConnection.open(config.required("rpcUrl", "COD_RPC_URL"))) {
        out.printf("address: %s%n", address);
        out.printf("f410f: %s%n", FilecoinAddress.fromEthAddress(network(chain.chainId()), address));
        out.printf("balance: %s%n", balance(chain, address));
        Optional<String> market = config.optional("market", "COD_MARKET");
        if (market.isPresent()) {
          var m = chain.market(market.get(), org.web3j.crypto.Credentials.create("0x1"));
          out.printf("market credits: %s%n", FilAmount.ofAtto(m.credits(address)));
          var p = m.provider(address);
          if (p.registered()) {
            out.printf("provider stake: %s (locked %s, free %s)%n", FilAmount.ofAtto(p.balance()),
                FilAmount.ofAtto(p.locked()), FilAmount.ofAtto(p.free()));
          }
        }
      }
      return 0;
    }
  }

  static FilAmount balance(ChainConnection chain, String address) {
    try {
      return FilAmount.ofAtto(chain.web3j().ethGetBalance(address, DefaultBlockParameterName.LATEST).send().getBalance());
    } catch (IOException e) {
      throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "eth_getBalance failed at " + chain.rpcUrl()
          + ": " + e.getMessage(), e);
    }
  }

  @Command(name = "fund", description = "Move FIL from a Lotus wallet (f1/f3) to an account's f410f address and wait for it.")
  static final class Fund implements Callable<Integer> {
    @ParentCommand
    WalletCommand wallet;
    @Spec
    CommandSpec spec;
    @Option(names = "--from", required = true, paramLabel = "f1…", description = "a Lotus wallet address (secp256k1 f1 or BLS f3)")
    String from;
    @Option(names = "--amount", required = true, paramLabel = "AMOUNT", description = "e.g. 2.5 FIL, 500 milliFIL, 1000 attoFIL")
    String amount;
    @Option(names = "--to", paramLabel = "ACCOUNT", description = "0x… or f410f… (default: the client config's account)")
    String to;
    @Option(names = "--lotus-url", description = "Lotus API v1 (default: $COD_LOTUS_URL, else lotusUrl in the client config)")
    URI lotusUrl;
    @Option(names = "--lotus-token-file", description = "Lotus API token with sign permission, 0600 (default: $COD_LOTUS_TOKEN_FILE, else lotusTokenFile)")
    Path lotusTokenFile;
    @Option(names = "--confidence", description = "epochs to wait after the message executed (default: ${DEFAULT-VALUE})")
    long confidence = FilecoinFunding.DEFAULT_CONFIDENCE;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      FilAmount value = FilAmount.parsePositive(amount, "--amount");
      FilecoinAddress sender = FilecoinAddress.parse(from);
      ClientConfig.Source config = ClientConfig.Source.open(wallet.cod.config, wallet.cod.env);
      String receiver = to != null ? WalletStore.toEthAddress(to)
          : Keystore.address(config.path(config.required("keystore", "COD_KEYSTORE")));
      URI lotus = lotusUrl != null ? lotusUrl : URI.create(config.required("lotusUrl", "COD_LOTUS_URL"));
      Path token = lotusTokenFile != null ? lotusTokenFile : config.path(config.required("lotusTokenFile", "COD_LOTUS_TOKEN_FILE"));
      boolean bridge = config.optional("fundingBridge", "COD_FUNDING_BRIDGE").map(DEVNET_BRIDGE::equals).orElse(false);
      Optional<String> rpcUrl = config.optional("rpcUrl", "COD_RPC_URL");
      FilecoinFunding funding = new FilecoinFunding(new JsonRpc4jLotusClient(lotus, Keystore.readSecret(token)),
          sender.network(), confidence);
      FilecoinFunding.Funded funded = funding.fund(sender, receiver, value, UUID.randomUUID());
      out.printf("message: %s%n", funded.message());
      out.printf("funded %s (%s) with %s from %s at epoch %d (gas used %d)%n", funded.to(), funded.toEthAddress(),
          funded.amount(), funded.from(), funded.height(), funded.gasUsed());
      if (rpcUrl.isPresent()) {
        try (ChainConnection chain = ChainConnection.open(rpcUrl.get())) {
          if (bridge) {
            deliverOnDevnet(chain, funded, out);
          }
          out.printf("balance: %s%n", balance(chain, receiver));
        }
      } else if (bridge) {
        throw new CodException(ErrorCode.INVALID_INPUT, "the devnet funding bridge needs the devnet's rpcUrl in the client config");
      }
      out.flush();
      return 0;
    }

    /**
     * DEVNET ONLY: Hardhat is not Filecoin, so a Lotus transfer to an f410f address cannot reach
     * the 0x account by itself. Once StateWaitMsg said the message landed, the devnet's bridge pays
     * the same amount to the 0x account from Hardhat dev account {@value #DEVNET_BRIDGE_ACCOUNT}.
     * Refused on any chain but Hardhat's 31337. On Filecoin, f410f and 0x are one actor and nothing
     * is bridged.
     */
    private static void deliverOnDevnet(ChainConnection chain, FilecoinFunding.Funded funded, PrintWriter out) {
      if (chain.chainId() != DEVNET_CHAIN_ID) {
        throw new CodException(ErrorCode.INVALID_INPUT, "fundingBridge: " + DEVNET_BRIDGE + " is for the Hardhat devnet"
            + " (chain " + DEVNET_CHAIN_ID + "), found chain " + chain.chainId() + ": remove it from the client config");
      }
      try {
        TransactionReceipt r = new Transfer(chain.web3j(),
            chain.transactionManager(HardhatNode.devAccount(DEVNET_BRIDGE_ACCOUNT)))
            .sendFunds(funded.toEthAddress(), new BigDecimal(funded.amount().attoFil()), Convert.Unit.WEI,
                BigInteger.ZERO, BigInteger.ZERO).send();
        out.printf("devnet bridge: paid %s to %s on the Hardhat chain (tx %s) for message %s%n", funded.amount(),
            funded.toEthAddress(), r.getTransactionHash(), funded.message());
      } catch (CodException e) {
        throw e;
      } catch (Exception e) {
        throw new CodException(ErrorCode.INTERNAL, "devnet bridge: message " + funded.message()
            + " landed on the Lotus stand-in but the Hardhat transfer failed: " + e.getMessage(), e);
      }
    }
  }

  @Command(name = "withdraw", description = "Withdraw every credit the market holds for the client account (refunds).")
  static final class Withdraw implements Callable<Integer> {
    @ParentCommand
    WalletCommand wallet;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (ClientContext c = wallet.cod.clientContext()) {
        BigInteger credit = c.market.credits(c.market.account());
        if (credit.signum() == 0) {
          out.printf("nothing to withdraw: the market holds no credit for %s%n", c.market.account());
          return 0;
        }
        TxResult tx = c.market.withdraw();
        out.printf("withdrew %s to %s (tx %s, gas %s)%n", FilAmount.ofAtto(credit), c.market.account(), tx.txHash(),
            tx.gasUsed());
        out.printf("balance: %s%n", balance(c.chain, c.market.account()));
        return 0;
      }
    }
  }
}
