package dev.cod.cli;

import dev.cod.chain.ChainConnection;
import dev.cod.chain.JobView;
import dev.cod.chain.MarketContract;
import dev.cod.chain.ProviderView;
import dev.cod.chain.TxResult;
import dev.cod.chain.contracts.JobMarket;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.common.RetriableCodException;
import dev.cod.node.NodeConfig;
import dev.cod.payments.FilAmount;
import dev.cod.payments.Keystore;
import dev.cod.payments.WalletStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cod provider}: a provider's standing in the market, from its node config (account,
 * keystore and password file, chain, market, miner ID): register, stake, unstake, status.
 * Amounts are exact; the balance is stake plus earnings, and only its free part (not locked by a
 * bid) can be taken out.
 */
@Command(name = "provider", description = "Register, stake, unstake, and show a provider's stake, credits and jobs.",
    subcommands = {ProviderCommand.Register.class, ProviderCommand.Stake.class, ProviderCommand.Unstake.class,
        ProviderCommand.Status.class})
final class ProviderCommand {
  /** Blocks per eth_getLogs call. */
  static final int LOG_RANGE = 2000;

  @ParentCommand
  Cod cod;

  /** The node config option and what it opens. */
  abstract static class WithNode {
    @ParentCommand
    ProviderCommand provider;
    @Spec
    CommandSpec spec;
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the provider's node config (YAML)")
    Path configFile;

    NodeConfig config() {
      return NodeConfig.load(configFile, provider.cod.env);
    }

    ChainConnection connect(NodeConfig c) {
      return ChainConnection.open(c.rpcUrl());
    }

    MarketContract market(ChainConnection chain, NodeConfig c) {
      return chain.market(c.market(), Keystore.load(c.keystore(), c.passwordFile()));
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }
  }

  @Command(name = "register", description = "Register the account as a provider bound to its miner actor ID.")
  static final class Register extends WithNode implements Callable<Integer> {
    @Option(names = "--miner-id", description = "miner actor ID N of f0N (default: minerId in the node config)")
    Long minerId;

    @Override
    public Integer call() {
      NodeConfig c = config();
      try (ChainConnection chain = connect(c)) {
        MarketContract m = market(chain, c);
        ProviderView me = m.provider(m.account());
        long miner = minerId != null ? minerId : c.minerId();
        if (me.registered()) {
          throw new CodException(ErrorCode.INVALID_INPUT, m.account() + " is already provider " + me.id()
              + " bound to miner f0" + me.minerId() + ": nothing to do");
        }
        TxResult tx = m.register(miner);
        out().printf("registered %s as a provider for miner f0%d (tx %s, gas %s)%n", m.account(), miner, tx.txHash(),
            tx.gasUsed());
        return 0;
      }
    }
  }

  @Command(name = "stake", description = "Add FIL to the provider's stake.")
  static final class Stake extends WithNode implements Callable<Integer> {
    @Parameters(paramLabel = "AMOUNT", description = "e.g. 1 FIL, 250 milliFIL")
    String amount;

    @Override
    public Integer call() {
      FilAmount value = FilAmount.parsePositive(amount, "the stake");
      NodeConfig c = config();
      try (ChainConnection chain = connect(c)) {
        MarketContract m = market(chain, c);
        requireRegistered(m);
        FilAmount balance = WalletCommand.balance(chain, m.account());
        if (balance.compareTo(value) < 0) {
          throw new CodException(ErrorCode.INVALID_INPUT, "expected " + m.account() + " to hold at least " + value
              + " plus gas to stake, found " + balance + ": fund it with `cod wallet fund` first");
        }
        TxResult tx = m.stake(value.attoFil());
        out().printf("staked %s (tx %s, gas %s)%n", value, tx.txHash(), tx.gasUsed());
        printStatus(out(), chain, c, m.account(), m);
        return 0;
      }
    }
  }

  @Command(name = "unstake", description = "Take free stake (not locked by bids) back to the account.")
  static final class Unstake extends WithNode implements Callable<Integer> {
    @Parameters(paramLabel = "AMOUNT", arity = "0..1", description = "e.g. 0.5 FIL")
    String amount;
    @Option(names = "--all", description = "take all the free stake")
    boolean all;

    @Override
    public Integer call() {
      if ((amount == null) == !all) {
        throw new CodException(ErrorCode.INVALID_INPUT, "expected either an AMOUNT or --all, found "
            + (all ? "both" : "neither"));
      }
      NodeConfig c = config();
      try (ChainConnection chain = connect(c)) {
        MarketContract m = market(chain, c);
        ProviderView me = requireRegistered(m);
        FilAmount free = FilAmount.ofAtto(me.free());
        FilAmount value = all ? free : FilAmount.parsePositive(amount, "the amount to unstake");
        if (value.isZero()) {
          out().printf("nothing to unstake: no free stake (locked %s)%n", FilAmount.ofAtto(me.locked()));
          return 0;
        }
        if (value.compareTo(free) > 0) {
          throw new CodException(ErrorCode.INVALID_INPUT, "expected at most the free stake " + free + " (balance "
              + FilAmount.ofAtto(me.balance()) + ", locked by bids " + FilAmount.ofAtto(me.locked()) + "), found " + value
              + ": wait for the jobs in flight to settle");
        }
        TxResult tx = m.withdrawStake(value.attoFil());
        out().printf("unstaked %s to %s (tx %s, gas %s)%n", value, m.account(), tx.txHash(), tx.gasUsed());
        printStatus(out(), chain, c, m.account(), m);
        return 0;
      }
    }
  }

  @Command(name = "status", description = "Stake, locked and free stake, credits, and jobs in flight.")
  static final class Status extends WithNode implements Callable<Integer> {
    @Parameters(paramLabel = "ACCOUNT", arity = "0..1", description = "0x… or f410f… (default: the config's account)")
    String account;

    @Override
    public Integer call() {
      NodeConfig c = config();
      String who = account != null ? WalletStore.toEthAddress(account) : Keystore.address(c.keystore());
      try (ChainConnection chain = connect(c)) {
        // views only: no key needed
        MarketContract m = chain.market(c.market(), org.web3j.crypto.Credentials.create("0x1"));
        printStatus(out(), chain, c, who, m);
        return 0;
      }
    }
  }

  private static ProviderView requireRegistered(MarketContract m) {
    ProviderView me = m.provider(m.account());
    if (!me.registered()) {
      throw new CodException(ErrorCode.INVALID_INPUT, m.account() + " is not a registered provider: run"
          + " `cod provider register --config FILE` first");
    }
    return me;
  }

  static void printStatus(PrintWriter out, ChainConnection chain, NodeConfig c, String account, MarketContract m) {
    ProviderView p = m.provider(account);
    out.printf("provider: %s%n", account);
    if (!p.registered()) {
      out.println("registered: no");
      out.flush();
      return;
    }
    out.printf("registered: provider %d, miner f0%d%n", p.id(), p.minerId());
    out.printf("stake: %s%n", FilAmount.ofAtto(p.balance()));
    out.printf("locked: %s%n", FilAmount.ofAtto(p.locked()));
    out.printf("free: %s%n", FilAmount.ofAtto(p.free()));
    out.printf("credits: %s%n", FilAmount.ofAtto(m.credits(account)));
    out.printf("account balance: %s%n", WalletCommand.balance(chain, account));
    List<Long> inFlight = new ArrayList<>();
    for (long jobId : jobsBidOn(chain, c.market(), c.startBlock(), account)) {
      JobView j = m.job(jobId);
      if (!j.state().isTerminal()) {
        inFlight.add(jobId);
      }
    }
    out.printf("jobs in flight: %d%s%n", inFlight.size(), inFlight.isEmpty() ? "" : " " + inFlight);
    out.flush();
  }

  /** The ids of the jobs {@code provider} bid on, from the market's BidPlaced events (provider is indexed). */
  static TreeSet<Long> jobsBidOn(ChainConnection chain, String market, long startBlock, String provider) {
    TreeSet<Long> jobs = new TreeSet<>();
    String topic = EventEncoder.encode(JobMarket.BIDPLACED_EVENT);
    String who = "0x" + TypeEncoder.encode(new Address(provider));
    try {
      long head = chain.blockNumber();
      for (long from = startBlock; from <= head; from += LOG_RANGE) {
        long to = Math.min(head, from + LOG_RANGE - 1);
        EthFilter f = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
            DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), market);
        f.addSingleTopic(topic);
        f.addNullTopic();
        f.addSingleTopic(who);
        EthLog logs = chain.web3j().ethGetLogs(f).send();
        if (logs.hasError()) {
          throw new IOException("eth_getLogs: " + logs.getError().getMessage());
        }
        for (EthLog.LogResult<?> r : logs.getLogs()) {
          jobs.add(JobMarket.getBidPlacedEventFromLog((Log) r.get()).jobId.longValueExact());
        }
      }
    } catch (IOException e) {
      throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "reading bids: " + e.getMessage(), e);
    }
    return jobs;
  }
}
