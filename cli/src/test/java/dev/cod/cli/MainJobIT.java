package dev.cod.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cod.chain.ChainConnection;
import dev.cod.chain.HardhatNode;
import dev.cod.chain.MarketEvent;
import dev.cod.chain.MarketHistory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The main job end to end, through the same {@code cod} commands a user types: a devnet with
 * three providers runs the Seattle precipitation job (Docker, replicas 3, quorum 2) over the real
 * seattle-weather.csv; the verified result is checked against an independent computation, and
 * the money against the chain's events.
 */
class MainJobIT extends DevnetTestBase {
  private static final BigInteger FIL = BigInteger.TEN.pow(18);
  private static final BigInteger MILLI_FIL = BigInteger.TEN.pow(15);

  private record Outcome(long jobId, String resultCid, Path result) {}

  /** Adds the CSV, runs the spec (with {@code bidWindow} replaced) through `cod job run --wait`, gets and checks the table. */
  private static Outcome runSeattleJob(String bidWindow, String name) throws Exception {
    Path csv = hardhatDir.resolve("node_modules/vega-datasets/data/seattle-weather.csv");
    DevnetHarness.Run added = cod("data", "add", csv.toString());
    assertThat(added.exitCode()).as(added.err()).isZero();
    String dataCid = added.out().trim();

    Path spec = dir.resolve(name + ".yaml");
    String template = Files.readString(hardhatDir.resolveSibling("examples/seattle-precipitation.yaml"));
    assertThat(template).contains("bidWindow: 0s");
    Files.writeString(spec, template.replace("DATA_CID", dataCid).replace("bidWindow: 0s", "bidWindow: " + bidWindow));
    DevnetHarness.Run run = cod("job", "run", spec.toString(), "--wait", "--yes", "--timeout", "300");
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    long jobId = Long.parseLong(field(run.out(), "job-id"));
    String resultCid = field(run.out(), "result-cid");
    assertThat(run.out()).contains("FINALIZED");

    Path result = dir.resolve("result-" + name);
    DevnetHarness.Run got = cod("job", "get", Long.toString(jobId), "-o", result.toString());
    assertThat(got.exitCode()).as(got.err()).isZero();
    assertThat(got.out()).contains(resultCid).contains("verified");
    assertThat(Files.readString(result.resolve("exitCode"))).isEqualTo("0");
    List<String> table = Files.readAllLines(result.resolve("outputs/precipitation-by-year.csv"));
    assertThat(table.get(0)).isEqualTo("year,total_precipitation_mm,mean_daily_precipitation_mm,days_with_precipitation");
    assertMatchesIndependentComputation(table.subList(1, table.size()), csv);
    assertThat(Files.readString(result.resolve("stdout"))).isEqualTo(String.join("\n", table) + "\n");

    DevnetHarness.Run described = cod("job", "describe", Long.toString(jobId));
    assertThat(described.exitCode()).as(described.err()).isZero();
    assertThat(described.out()).contains("result        " + resultCid).contains("total reveal     3 tx");
    return new Outcome(jobId, resultCid, result);
  }

  @Test
  void seattlePrecipitationJobRunsThroughTheWholeMarket() throws Exception {
    long start = blockNumber();
    // the demo's spec: fast path, every provider paid the job's maxPrice, nothing to refund
    Outcome fast = runSeattleJob("0s", "fast");
    Map<String, BigInteger> paid = assertMoney(fast.jobId(), false);
    long afterFast = blockNumber();
    assertLedger(start, afterFast, paid);

    // the same job as an auction: paid as bid, the client gets the unused escrow back; the
    // result is the same bytes, so the same CID
    Outcome auction = runSeattleJob("4s", "auction");
    assertThat(auction.resultCid()).isEqualTo(fast.resultCid());
    Map<String, BigInteger> paidAsBid = assertMoney(auction.jobId(), true);
    assertLedger(afterFast, blockNumber(), paidAsBid);
  }

  private static long blockNumber() {
    try (ChainConnection chain = ChainConnection.open(devnet.rpcUrl())) {
      return chain.blockNumber();
    }
  }

  /**
   * The ledger, to the attoFIL: for the client and every provider, between the two blocks, the
   * change of its wallet + the gas it paid (receipts' gasUsed × effectiveGasPrice) + the change of
   * what the market holds for it (credits, provider balance) is what the market moved to it: each
   * provider gained exactly its price, the client lost exactly their sum (escrow − refund), and the
   * whole sums to zero — nothing lost, nothing paid twice, every refund and withdrawal counted.
   */
  private static void assertLedger(long from, long to, Map<String, BigInteger> prices) {
    String client = HardhatNode.devAccount(1).getAddress().toLowerCase();
    List<String> accounts = new ArrayList<>(List.of(client));
    accounts.addAll(prices.keySet());
    try (ChainConnection chain = ChainConnection.open(devnet.rpcUrl())) {
      Map<String, MoneyLedger.Line> ledger = MoneyLedger.between(chain, devnet.market(), from, to, accounts);
      System.out.printf("ledger, blocks %d..%d:%n%s", from + 1, to, MoneyLedger.format(ledger));
      BigInteger total = prices.values().stream().reduce(BigInteger.ZERO, BigInteger::add);
      assertThat(ledger.get(client).net()).as("client paid the prices, got the rest back").isEqualTo(total.negate());
      assertThat(ledger.get(client).gas()).as("the client paid gas").isPositive();
      for (var e : prices.entrySet()) {
        MoneyLedger.Line l = ledger.get(e.getKey());
        assertThat(l.net()).as("provider %s gained its price", e.getKey()).isEqualTo(e.getValue());
        assertThat(l.gas()).as("provider %s paid gas", e.getKey()).isPositive();
        assertThat(l.heldDelta()).as("provider %s withdrew its earnings", e.getKey()).isZero();
      }
      assertThat(ledger.values().stream().map(MoneyLedger.Line::net).reduce(BigInteger.ZERO, BigInteger::add))
          .as("every attoFIL accounted for").isZero();
    }
  }

  /** Per year: the sum and mean of column 2 and the count of days above zero, computed here in decimal. */
  static void assertMatchesIndependentComputation(List<String> rows, Path csv) throws Exception {
    Map<String, BigDecimal> total = new TreeMap<>();
    Map<String, Integer> days = new TreeMap<>();
    Map<String, Integer> wet = new TreeMap<>();
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      String year = f[0].substring(0, 4);
      BigDecimal p = new BigDecimal(f[1]);
      total.merge(year, p, BigDecimal::add);
      days.merge(year, 1, Integer::sum);
      wet.merge(year, p.signum() > 0 ? 1 : 0, Integer::sum);
    }
    assertThat(rows).hasSize(total.size());
    for (String row : rows) {
      String[] f = row.split(",");
      String year = f[0];
      assertThat(total).containsKey(year);
      BigDecimal mean = total.get(year).divide(BigDecimal.valueOf(days.get(year)), 10, RoundingMode.HALF_EVEN);
      // the job prints with %.1f and %.3f: allow half a unit in the last printed place
      assertThat(new BigDecimal(f[1]).subtract(total.get(year)).abs()).isLessThanOrEqualTo(new BigDecimal("0.05"));
      assertThat(new BigDecimal(f[2]).subtract(mean).abs()).isLessThanOrEqualTo(new BigDecimal("0.0005"));
      assertThat(Integer.parseInt(f[3])).isEqualTo(wet.get(year));
    }
  }

  /**
   * Every provider was paid its price (maxPrice on the fast path, its bid in the auction) into its
   * balance and withdrew exactly that; the client was credited escrow − Σ prices and withdrew it.
   *
   * @return each provider's price (lower-case address to attoFIL)
   */
  private static Map<String, BigInteger> assertMoney(long jobId, boolean auction) throws InterruptedException {
    List<String> providers = devnet.providerAccounts();
    try (ChainConnection chain = ChainConnection.open(devnet.rpcUrl())) {
      var anyone = chain.market(devnet.market(), HardhatNode.devAccount(19));
      MarketHistory history = new MarketHistory(chain.web3j(), devnet.market(), 0, 1000);
      BigInteger maxPrice = MILLI_FIL.multiply(BigInteger.valueOf(5));
      BigInteger escrow = maxPrice.multiply(BigInteger.valueOf(3));
      Map<String, BigInteger> bids = new TreeMap<>();
      Map<String, BigInteger> credited = new TreeMap<>();
      List<MarketEvent.ResultAccepted> accepted = new ArrayList<>();
      for (MarketEvent e : history.events(jobId)) {
        if (e instanceof MarketEvent.BidPlaced b) {
          bids.put(b.provider().toLowerCase(), auction ? b.price() : maxPrice);
        } else if (e instanceof MarketEvent.Credited c) {
          credited.merge(c.account().toLowerCase(), c.amount(), BigInteger::add);
        } else if (e instanceof MarketEvent.ResultAccepted a) {
          accepted.add(a);
        }
      }
      assertThat(bids.keySet()).containsExactlyInAnyOrderElementsOf(providers.stream().map(String::toLowerCase).toList());
      assertThat(accepted).singleElement().satisfies(a -> {
        assertThat(a.agreeing()).isEqualTo(3);
        assertThat(a.slashShare()).isZero();
      });
      BigInteger prices = bids.values().stream().reduce(BigInteger.ZERO, BigInteger::add);
      // the devnet's providers bid 2, 3 and 4 milliFIL under a 5 milliFIL maximum
      assertThat(prices).isEqualTo(auction ? MILLI_FIL.multiply(BigInteger.valueOf(9)) : escrow);
      String client = HardhatNode.devAccount(1).getAddress().toLowerCase();
      assertThat(credited.keySet()).as("only the client is credited; providers are paid into their balance")
          .isSubsetOf(client);
      assertThat(credited.getOrDefault(client, BigInteger.ZERO)).isEqualTo(escrow.subtract(prices));
      assertThat(anyone.credits(client)).as("client withdrew its refund").isZero();

      // providers withdraw their earnings on their own, a round or two after the settlement
      BigInteger stake = FIL;
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (Instant.now().isBefore(deadline)
          && providers.stream().anyMatch(p -> !anyone.provider(p).balance().equals(stake))) {
        Thread.sleep(250);
      }
      for (String p : providers) {
        assertThat(anyone.provider(p).balance()).as("balance of %s back to its stake", p).isEqualTo(stake);
      }
      Map<String, List<BigInteger>> stakeWithdrawn = new TreeMap<>();
      List<MarketEvent.Withdrawn> withdrawals = new ArrayList<>();
      for (MarketEvent e : allEvents(chain)) {
        if (e instanceof MarketEvent.StakeWithdrawn w) {
          stakeWithdrawn.computeIfAbsent(w.provider().toLowerCase(), k -> new ArrayList<>()).add(w.amount());
        } else if (e instanceof MarketEvent.Withdrawn w) {
          withdrawals.add(w);
        }
      }
      for (String p : providers) {
        assertThat(stakeWithdrawn.get(p.toLowerCase())).as("earnings withdrawn by %s", p).contains(bids.get(p.toLowerCase()));
      }
      if (auction) {
        assertThat(withdrawals).filteredOn(w -> w.account().equalsIgnoreCase(client))
            .extracting(MarketEvent.Withdrawn::amount).contains(escrow.subtract(prices));
      }
      return bids;
    }
  }

  private static List<MarketEvent> allEvents(ChainConnection chain) {
    List<MarketEvent> out = new ArrayList<>();
    try (var db = dev.cod.store.H2Database.open(dir.resolve("test-watcher-" + System.nanoTime()))) {
      new dev.cod.chain.EventWatcher(chain.web3j(), devnet.market(), 0, 0, 1000,
          new dev.cod.chain.WatcherStore(db), "it").poll(out::add);
    }
    return out;
  }
}
