package dev.cod.cli;

import dev.cod.chain.ChainConnection;
import dev.cod.chain.contracts.JobMarket;
import dev.cod.payments.FilAmount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * Where every attoFIL of a set of accounts went between two blocks, read from the chain at those
 * blocks: wallet balances ({@code eth_getBalance} at the block), what the market holds for each
 * (credits + provider balance, read with {@code eth_call} at the block), and the gas each paid in
 * between (every transaction it sent: receipt {@code gasUsed × effectiveGasPrice}).
 *
 * <p>For each account, {@code net = Δwallet + gas + Δheld} is what it gained from the others
 * through the market; over a closed set of accounts the nets sum to zero.
 */
final class MoneyLedger {
  /** One account's lines, attoFIL; {@code net} = Δwallet + gas + Δheld. */
  record Line(String account, BigInteger walletDelta, BigInteger gas, BigInteger heldDelta, BigInteger net) {}

  private MoneyLedger() {}

  static Map<String, Line> between(ChainConnection chain, String market, long from, long to, List<String> accounts) {
    Web3j web3j = chain.web3j();
    Map<String, BigInteger> gas = new LinkedHashMap<>();
    accounts.forEach(a -> gas.put(a.toLowerCase(Locale.ROOT), BigInteger.ZERO));
    try {
      for (long b = from + 1; b <= to; b++) {
        EthBlock.Block block = web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(b)), true)
            .send().getBlock();
        for (EthBlock.TransactionResult<?> r : block.getTransactions()) {
          EthBlock.TransactionObject tx = (EthBlock.TransactionObject) r.get();
          String sender = tx.getFrom().toLowerCase(Locale.ROOT);
          if (gas.containsKey(sender)) {
            TransactionReceipt receipt = web3j.ethGetTransactionReceipt(tx.getHash()).send().getTransactionReceipt()
                .orElseThrow();
            BigInteger paid = receipt.getGasUsed().multiply(Numeric.decodeQuantity(receipt.getEffectiveGasPrice()));
            gas.merge(sender, paid, BigInteger::add);
          }
        }
      }
      Map<String, Line> out = new LinkedHashMap<>();
      for (String a : gas.keySet()) {
        BigInteger wallet = wallet(web3j, a, to).subtract(wallet(web3j, a, from));
        BigInteger held = held(web3j, market, a, to).subtract(held(web3j, market, a, from));
        out.put(a, new Line(a, wallet, gas.get(a), held, wallet.add(gas.get(a)).add(held)));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static BigInteger wallet(Web3j web3j, String account, long block) throws IOException {
    return web3j.ethGetBalance(account, DefaultBlockParameter.valueOf(BigInteger.valueOf(block))).send().getBalance();
  }

  /** What the market holds for {@code account} at {@code block}: credits + provider balance (stake and earnings). */
  static BigInteger held(Web3j web3j, String market, String account, long block) {
    JobMarket m = JobMarket.load(market, web3j, new ReadonlyTransactionManager(web3j, account), new DefaultGasProvider());
    m.setDefaultBlockParameter(DefaultBlockParameter.valueOf(BigInteger.valueOf(block)));
    try {
      return m.credits(account).send().add(m.providers(account).send().component1());
    } catch (Exception e) {
      throw new IllegalStateException("reading what the market holds for " + account + " at block " + block, e);
    }
  }

  /** The ledger as a table, for the test's output. */
  static String format(Map<String, Line> lines) {
    StringBuilder b = new StringBuilder(String.format("%-44s %24s %24s %24s %24s%n", "account", "Δ wallet", "gas paid",
        "Δ held by market", "net"));
    BigInteger sum = BigInteger.ZERO;
    for (Line l : lines.values()) {
      b.append(String.format("%-44s %24s %24s %24s %24s%n", l.account(), l.walletDelta(), l.gas(), l.heldDelta(), l.net()));
      sum = sum.add(l.net());
    }
    b.append(String.format("%-44s %99s (%s)%n", "sum (attoFIL)", sum, sum.signum() < 0 ? "-" + FilAmount.ofAtto(sum.negate())
        : FilAmount.ofAtto(sum)));
    return b.toString();
  }
}
