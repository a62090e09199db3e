package dev.cod.reputation;

import dev.cod.chain.ChainConnection;
import dev.cod.chain.DevnetOracles;
import dev.cod.chain.Commitments;
import dev.cod.chain.HardhatNode;
import dev.cod.chain.JobTerms;
import dev.cod.chain.MarketContract;
import dev.cod.chain.contracts.JobMarket;
import dev.cod.store.H2Database;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.utils.Numeric;

/**
 * Benchmark of the reputation service (a command, not a test): fills a local Hardhat chain with
 * real JobMarket jobs (3 replicas, quorum 2, fast path; every fourth with a dissenting provider),
 * sent as pre-signed transactions in JSON-RPC batches with automine off and one block mined per
 * phase (posts, first, second and third bids, reveals), then indexes every event into a fresh H2 file and prints
 * events/s, then loads the API with the data in place and prints its latency percentiles.
 *
 * <p>Arguments: [EVENTS (default 100000)] [JOBS_PER_ROUND (default 100)]. Gas limits come from a
 * measured warm-up job (its gas used × 1.5), not from constants.
 */
public final class ReputationBenchmark {
  private static final BigInteger FIL = BigInteger.TEN.pow(18);
  private static final BigInteger MAX_PRICE = FIL.divide(BigInteger.valueOf(1000));
  private static final BigInteger STAKE = FIL.divide(BigInteger.valueOf(1000));
  private static final BigInteger MAX_FEE = BigInteger.valueOf(200_000_000_000L);
  private static final BigInteger TIP = BigInteger.valueOf(1_000_000_000L);
  private static final byte[] SPEC = {0x01, 0x55, 0x12, 0x20, 0x01, 0x02, 0x03};
  private static final byte[] GOOD = {0x01, 0x55, 0x12, 0x20, 0x0a, 0x0b, 0x0c};
  private static final byte[] BAD = {0x01, 0x55, 0x12, 0x20, 0x0d, 0x0e, 0x0f};

  private final Web3j web3j;
  private final HttpService rpc;
  private final long chainId;
  private final String market;
  private final JobMarket encoder;
  private final Map<String, Long> nonces = new TreeMap<>();
  private final List<String> pending = new ArrayList<>();
  private BigInteger gasPost;
  private BigInteger gasBid;
  private BigInteger gasReveal;
  private long sent;

  private ReputationBenchmark(ChainConnection chain, HttpService rpc, String market) {
    this.web3j = chain.web3j();
    this.rpc = rpc;
    this.chainId = chain.chainId();
    this.market = market;
    this.encoder = JobMarket.load(market, web3j, new ReadonlyTransactionManager(web3j, market),
        new StaticGasProvider(BigInteger.ZERO, BigInteger.ZERO));
  }

  public static void main(String[] args) throws Exception {
    long targetEvents = args.length > 0 ? Long.parseLong(args[0]) : 100_000;
    int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    Path tmp = Files.createTempDirectory("cod-bench-reputation");
    try (HardhatNode node = HardhatNode.start(HardhatNode.findHardhatDir(), tmp.resolve("hardhat.log"));
        ChainConnection chain = ChainConnection.open(node.rpcUrl())) {
      DevnetOracles oracles = DevnetOracles.deploy(chain, HardhatNode.devAccount(0));
      ChainConnection.Deployment d = oracles.deployMarket(HardhatNode.devAccount(0));
      ReputationBenchmark bench = new ReputationBenchmark(chain, new HttpService(node.rpcUrl()), d.address());
      List<Credentials> providers = List.of(HardhatNode.devAccount(11), HardhatNode.devAccount(12),
          HardhatNode.devAccount(13), HardhatNode.devAccount(14));
      Credentials client = HardhatNode.devAccount(10);
      for (int i = 0; i < providers.size(); i++) {
        MarketContract p = chain.market(d.address(), providers.get(i));
        oracles.setController(2001 + i, p.account(), true);
        p.register(2001 + i);
        p.stake(FIL.multiply(BigInteger.valueOf(1000)));
      }
      bench.warmUp(chain.market(d.address(), client), providers.stream().map(c -> chain.market(d.address(), c)).toList());

      long t0 = System.nanoTime();
      long jobs = bench.fill(client, providers, targetEvents, perRound);
      double fillSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "chain filled: %d jobs, %d transactions in %.1f s (%.0f tx/s), head block %d%n",
          jobs, bench.sent, fillSeconds, bench.sent / fillSeconds, chain.blockNumber());

      try (H2Database db = H2Database.open(tmp.resolve("reputation"))) {
        ReputationStore store = new ReputationStore(db);
        Reputation reputation = new Reputation(store);
        IndexerMetrics metrics = new IndexerMetrics();
        ReputationIndexer indexer = new ReputationIndexer(chain, d.address(), d.blockNumber(), 0, 2000, store,
            reputation, metrics);
        long t1 = System.nanoTime();
        int indexed = indexer.poll();
        double indexSeconds = (System.nanoTime() - t1) / 1e9;
        Reputation.Stats stats = reputation.stats();
        System.out.printf(Locale.ROOT, "indexed %d events (%d jobs, %d finalized, %d providers) in %.2f s: %.0f events/s%n",
            indexed, stats.jobs(), stats.jobsByState().get("FINALIZED"), stats.providers(), indexSeconds,
            indexed / indexSeconds);
        if (stats.jobsByState().get("FINALIZED") != stats.jobs()) {
          System.out.println("WARNING: not every job finalized: " + stats.jobsByState());
        }
        long t2 = System.nanoTime();
        Reputation restarted = new Reputation(store);
        restarted.rebuild();
        System.out.printf(Locale.ROOT, "restart: model rebuilt from H2 in %.2f s%n", (System.nanoTime() - t2) / 1e9);
        bench.apiLatency(reputation, metrics, providers, stats.jobs());
      }
    }
  }

  /** One real job through MarketContract; its gas used × 1.5 are the limits of the batched transactions. */
  private void warmUp(MarketContract client, List<MarketContract> providers) {
    var job = client.postJob(new JobTerms(SPEC, 3, 2, MAX_PRICE, STAKE, 0, 3600, 3600));
    BigInteger bid = BigInteger.ZERO;
    BigInteger reveal = BigInteger.ZERO;
    byte[] salt = new byte[32];
    int[] index = new int[3];
    for (int i = 0; i < 3; i++) {
      MarketContract p = providers.get(i);
      var placed = p.bid(job.jobId(), BigInteger.ZERO, 0, p.commitmentFor(job.jobId(), i == 2 ? BAD : GOOD, salt));
      index[i] = placed.index();
      bid = bid.max(placed.tx().gasUsed());
    }
    for (int i = 0; i < 3; i++) {
      reveal = reveal.max(providers.get(i).reveal(job.jobId(), index[i], i == 2 ? BAD : GOOD, salt).gasUsed());
    }
    BigInteger x15 = BigInteger.valueOf(3);
    gasPost = job.tx().gasUsed().multiply(x15).divide(BigInteger.TWO);
    gasBid = bid.multiply(x15).divide(BigInteger.TWO);
    gasReveal = reveal.multiply(x15).divide(BigInteger.TWO);
  }

  private long fill(Credentials client, List<Credentials> providers, long targetEvents, int perRound) throws Exception {
    call("evm_setAutomine", List.of(false));
    long firstJob = 2; // the warm-up job is job 1
    long events = 0;
    long jobs = 0;
    Random random = new Random(7);
    byte[] salt = new byte[32];
    while (events < targetEvents) {
      int n = (int) Math.min(perRound, Math.max(1, (targetEvents - events + 10) / 11));
      long base = firstJob + jobs;
      for (int j = 0; j < n; j++) {
        send(client, encoder.postJob(SPEC, new byte[0], BigInteger.valueOf(3), BigInteger.TWO, MAX_PRICE, STAKE, BigInteger.ZERO,
            BigInteger.valueOf(3600), BigInteger.valueOf(3600), MAX_PRICE.multiply(BigInteger.valueOf(3)))
            .encodeFunctionCall(), MAX_PRICE.multiply(BigInteger.valueOf(3)), gasPost);
      }
      mine();
      // three of the four providers bid on each job; on every fourth job the third one dissents
      int[][] who = new int[n][];
      for (int j = 0; j < n; j++) {
        int skip = random.nextInt(4);
        who[j] = java.util.stream.IntStream.range(0, 4).filter(i -> i != skip).toArray();
      }
      // bid k of every job in its own block, so that its index in the job is k
      for (int k = 0; k < 3; k++) {
        for (int j = 0; j < n; j++) {
          long jobId = base + j;
          Credentials p = providers.get(who[j][k]);
          byte[] result = k == 2 && jobId % 4 == 0 ? BAD : GOOD;
          byte[] commitment = Commitments.of(chainId, market, jobId, p.getAddress(), result, salt);
          send(p, encoder.bid(BigInteger.valueOf(jobId), BigInteger.ZERO, BigInteger.ZERO, commitment)
              .encodeFunctionCall(), BigInteger.ZERO, gasBid);
        }
        mine();
      }
      for (int j = 0; j < n; j++) {
        long jobId = base + j;
        for (int k = 0; k < 3; k++) {
          Credentials p = providers.get(who[j][k]);
          byte[] result = k == 2 && jobId % 4 == 0 ? BAD : GOOD;
          send(p, encoder.reveal(BigInteger.valueOf(jobId), BigInteger.valueOf(k), result, salt).encodeFunctionCall(),
              BigInteger.ZERO, gasReveal);
        }
        events += jobId % 4 == 0 ? 12 : 11; // posted, open, 3 bids, revealing, 3 reveals, (slash,) accepted, finalized
      }
      mine();
      jobs += n;
      if (jobs % (perRound * 20L) == 0) {
        System.out.printf(Locale.ROOT, "  %d jobs (~%d events) on chain%n", jobs, events);
      }
    }
    call("evm_setAutomine", List.of(true));
    return jobs;
  }

  private void send(Credentials from, String data, BigInteger value, BigInteger gas) throws Exception {
    String a = from.getAddress();
    long nonce = nonces.computeIfAbsent(a, x -> {
      try {
        return web3j.ethGetTransactionCount(x, DefaultBlockParameterName.LATEST).send().getTransactionCount().longValueExact();
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    });
    nonces.put(a, nonce + 1);
    RawTransaction tx = RawTransaction.createTransaction(chainId, BigInteger.valueOf(nonce), gas, market, value, data,
        TIP, MAX_FEE);
    pending.add(Numeric.toHexString(TransactionEncoder.signMessage(tx, chainId, from)));
  }

  /** Sends the pending transactions in JSON-RPC batches, then mines until every one is in a block. */
  private void mine() throws Exception {
    for (int i = 0; i < pending.size(); i += 200) {
      BatchRequest batch = web3j.newBatch();
      for (String raw : pending.subList(i, Math.min(pending.size(), i + 200))) {
        batch.add(web3j.ethSendRawTransaction(raw));
      }
      for (Response<?> r : batch.send().getResponses()) {
        if (r.hasError()) {
          throw new IllegalStateException("eth_sendRawTransaction: " + r.getError().getMessage());
        }
      }
    }
    sent += pending.size();
    pending.clear();
    for (int attempt = 0; attempt < 20; attempt++) {
      call("evm_mine", List.of());
      boolean all = true;
      for (Map.Entry<String, Long> e : nonces.entrySet()) {
        long latest = web3j.ethGetTransactionCount(e.getKey(), DefaultBlockParameterName.LATEST).send()
            .getTransactionCount().longValueExact();
        all &= latest == e.getValue();
      }
      if (all) {
        return;
      }
    }
    throw new IllegalStateException("transactions still pending after 20 blocks");
  }

  private void call(String method, List<Object> params) throws Exception {
    Response<?> r = new Request<>(method, params, rpc, MarketScenario.AnyResponse.class).send();
    if (r.hasError()) {
      throw new IllegalStateException(method + ": " + r.getError().getMessage());
    }
  }

  private void apiLatency(Reputation reputation, IndexerMetrics metrics, List<Credentials> providers, long jobs)
      throws Exception {
    try (ReputationServer server = ReputationServer.start(reputation, metrics, "127.0.0.1", 0)) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port() + "/api/v1";
      Random random = new Random(11);
      String[] kinds = {"/providers", "/providers/{id}", "/jobs/{id}", "/stats"};
      Map<String, List<Long>> byRoute = new TreeMap<>();
      List<Long> all = new ArrayList<>();
      int requests = 4000;
      for (int i = -400; i < requests; i++) {
        String kind = kinds[Math.floorMod(i, kinds.length)];
        String path = switch (kind) {
          case "/providers/{id}" -> "/providers/" + providers.get(random.nextInt(providers.size())).getAddress();
          case "/jobs/{id}" -> "/jobs/" + (1 + random.nextInt((int) jobs));
          default -> kind;
        };
        long t = System.nanoTime();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        long micros = (System.nanoTime() - t) / 1000;
        if (r.statusCode() != 200) {
          throw new IllegalStateException(path + " answered " + r.statusCode());
        }
        if (i >= 0) { // the first 400 warm the JIT up
          byRoute.computeIfAbsent(kind, k -> new ArrayList<>()).add(micros);
          all.add(micros);
        }
      }
      System.out.printf(Locale.ROOT, "API latency over %d sequential requests (after 400 warm-up), in ms:%n", requests);
      byRoute.forEach((route, list) -> System.out.printf(Locale.ROOT, "  %-18s p50 %6.2f  p95 %6.2f  p99 %6.2f%n",
          route, pct(list, 50), pct(list, 95), pct(list, 99)));
      System.out.printf(Locale.ROOT, "  %-18s p50 %6.2f  p95 %6.2f  p99 %6.2f%n", "all", pct(all, 50), pct(all, 95),
          pct(all, 99));
    }
  }

  private static double pct(List<Long> micros, double p) {
    long[] v = micros.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(v);
    return v[Math.max(0, (int) Math.ceil(p / 100 * v.length) - 1)] / 1000.0;
  }
}
