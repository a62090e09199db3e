package dev.cod.reputation;

import static dev.cod.reputation.MarketScenario.BAD;
import static dev.cod.reputation.MarketScenario.FIL;
import static dev.cod.reputation.MarketScenario.GOOD;
import static dev.cod.reputation.MarketScenario.MAX_PRICE;
import static dev.cod.reputation.MarketScenario.STAKE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cod.chain.ProviderView;
import dev.cod.chain.WatcherStore;
import dev.cod.store.H2Database;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The indexer, the store and the JSON API against a real Hardhat chain and a real H2 file. */
class ReputationIndexerIT {
  private static MarketScenario market;
  private static final BigInteger[] AUCTION_PRICES = {
      MAX_PRICE.divide(BigInteger.TWO), MAX_PRICE.divide(BigInteger.valueOf(4)), MAX_PRICE};

  @BeforeAll
  static void runJobs(@TempDir Path tmp) {
    market = MarketScenario.start(tmp);
    for (int i = 0; i < 3; i++) {
      market.fastJob(BAD);
    }
    market.auctionWithSilentThird(AUCTION_PRICES);
    market.providers.get(0).withdrawStake(FIL.divide(BigInteger.valueOf(5)));
  }

  @AfterAll
  static void stop() {
    if (market != null) {
      market.close();
    }
  }

  private static ReputationIndexer indexer(H2Database db, Reputation reputation, int maxRange) {
    return new ReputationIndexer(market.chain, market.deployment.address(), market.deployment.blockNumber(), 0,
        maxRange, new ReputationStore(db), reputation, new IndexerMetrics());
  }

  private static String addr(int provider) {
    return market.providers.get(provider).account().toLowerCase(Locale.ROOT);
  }

  @Test
  void recordsMatchTheChainAndSurviveRestartsAndReplays(@TempDir Path tmp) {
    try (H2Database db = H2Database.open(tmp.resolve("rep"))) {
      Reputation reputation = new Reputation(new ReputationStore(db));
      int indexed = indexer(db, reputation, 7).poll();
      assertThat(indexed).isPositive();

      Reputation.ProviderSummary honest = reputation.provider(addr(0)).orElseThrow().provider();
      Reputation.ProviderSummary dissenter = reputation.provider(addr(2)).orElseThrow().provider();
      BigInteger share = STAKE.divide(BigInteger.TWO); // one slashed stake shared by two winners
      assertThat(honest.minerId()).isEqualTo("f01001");
      assertThat(honest.jobsBid()).isEqualTo(4);
      assertThat(honest.jobsWon()).isEqualTo(4);
      assertThat(honest.finalizedAgreeing()).isEqualTo(4);
      assertThat(honest.dissenting()).isZero();
      assertThat(honest.slashes()).isZero();
      assertThat(new BigInteger(honest.earningsAttoFil()))
          .isEqualTo(MAX_PRICE.add(share).multiply(BigInteger.valueOf(3)).add(AUCTION_PRICES[0]).add(share));
      assertThat(honest.agreementRate()).isEqualTo(1.0);
      assertThat(honest.medianRevealBlocks()).isPositive();
      assertThat(honest.p95RevealBlocks()).isGreaterThanOrEqualTo(honest.medianRevealBlocks());
      assertThat(honest.p95RevealSeconds()).isGreaterThanOrEqualTo(60); // the auction's reveal came after 61 s
      assertThat(honest.filPlusBlessings()).isZero();

      assertThat(dissenter.dissenting()).isEqualTo(3);
      assertThat(dissenter.silentNoCommit()).isEqualTo(1);
      assertThat(dissenter.silent()).isEqualTo(1);
      assertThat(dissenter.finalizedAgreeing()).isZero();
      assertThat(dissenter.slashes()).isEqualTo(4);
      assertThat(new BigInteger(dissenter.slashedAttoFil())).isEqualTo(STAKE.multiply(BigInteger.valueOf(4)));
      assertThat(dissenter.agreementRate()).isEqualTo(0.0);
      assertThat(dissenter.score()).isLessThan(honest.score());
      assertThat(reputation.providers("score", true).get(2).address()).isEqualTo(addr(2));

      // balances folded from events equal what the contract holds
      for (int i = 0; i < 3; i++) {
        ProviderView onChain = market.client.provider(market.providers.get(i).account());
        Reputation.ProviderSummary s = reputation.provider(addr(i)).orElseThrow().provider();
        assertThat(new BigInteger(s.balanceAttoFil())).as("balance of provider %d", i).isEqualTo(onChain.balance());
        assertThat(new BigInteger(s.lockedAttoFil())).as("locked of provider %d", i).isEqualTo(onChain.locked());
      }

      Reputation.JobDetail job = reputation.job(1).orElseThrow();
      assertThat(job.state()).isEqualTo("FINALIZED");
      assertThat(job.timeline()).extracting(Reputation.TimelineEntry::event)
          .startsWith("JobPosted", "JobStateChanged", "BidPlaced", "BidPlaced", "BidPlaced", "JobStateChanged")
          .contains("ResultRevealed", "ProviderSlashed", "ResultAccepted").endsWith("JobStateChanged");
      assertThat(job.bids()).extracting(Reputation.JobBid::outcome).containsExactly("WON", "WON", "DISSENT");
      assertThat(job.resultCid()).isEqualTo(Reputation.cid(GOOD));
      Reputation.Stats stats = reputation.stats();
      assertThat(stats.jobs()).isEqualTo(4);
      assertThat(stats.jobsByState().get("FINALIZED")).isEqualTo(4);
      assertThat(stats.providers()).isEqualTo(3);
      long events = stats.eventsIndexed();
      assertThat(new ReputationStore(db).count()).isEqualTo(events);

      // a restart resumes at the cursor: nothing new, same record
      Reputation restarted = new Reputation(new ReputationStore(db));
      restarted.rebuild();
      assertThat(indexer(db, restarted, 7).poll()).isZero();
      assertThat(restarted.provider(addr(2)).orElseThrow().provider()).isEqualTo(dissenter);

      // one more job: only its events are indexed, once
      market.fastJob(GOOD);
      int more = indexer(db, restarted, 7).poll();
      assertThat(more).isPositive();
      assertThat(restarted.stats().eventsIndexed()).isEqualTo(events + more);
      assertThat(restarted.provider(addr(2)).orElseThrow().provider().finalizedAgreeing()).isEqualTo(1);

      // a replay from the deployment block (lost cursor) replaces ranges and changes nothing
      Reputation.ProviderSummary before = restarted.provider(addr(0)).orElseThrow().provider();
      new WatcherStore(db).saveCursor("reputation", new WatcherStore.Cursor(market.deployment.blockNumber() - 1,
          market.chain.web3j().ethGetBlockByNumber(org.web3j.protocol.core.DefaultBlockParameter.valueOf(
              BigInteger.valueOf(market.deployment.blockNumber() - 1)), false).send().getBlock().getHash()));
      assertThat(indexer(db, restarted, 7).poll()).isEqualTo((int) (events + more));
      assertThat(restarted.stats().eventsIndexed()).isEqualTo(events + more);
      assertThat(restarted.provider(addr(0)).orElseThrow().provider()).isEqualTo(before);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aReorgReplacesTheOrphanedEvents(@TempDir Path tmp) {
    try (H2Database db = H2Database.open(tmp.resolve("reorg"))) {
      Reputation reputation = new Reputation(new ReputationStore(db));
      ReputationIndexer indexer = indexer(db, reputation, 50);
      indexer.poll();
      long agreedBefore = reputation.provider(addr(2)).orElseThrow().provider().finalizedAgreeing();
      String snapshot = market.snapshot();
      market.fastJob(GOOD); // the dissenter agrees on this fork...
      indexer.poll();
      assertThat(reputation.provider(addr(2)).orElseThrow().provider().finalizedAgreeing()).isEqualTo(agreedBefore + 1);
      long jobsOnOldFork = reputation.stats().jobs();

      market.revert(snapshot); // ...which is dropped: the chain goes on without it
      market.mine(12);
      indexer.poll();
      assertThat(reputation.stats().jobs()).isEqualTo(jobsOnOldFork - 1);
      assertThat(reputation.provider(addr(2)).orElseThrow().provider().finalizedAgreeing()).isEqualTo(agreedBefore);
      assertThat(new ReputationStore(db).count()).isEqualTo(reputation.stats().eventsIndexed());
    }
  }

  @Test
  void apiAnswersJsonWithClearErrorsAndMetrics(@TempDir Path tmp) throws Exception {
    try (H2Database db = H2Database.open(tmp.resolve("api"))) {
      Reputation reputation = new Reputation(new ReputationStore(db));
      IndexerMetrics metrics = new IndexerMetrics();
      new ReputationIndexer(market.chain, market.deployment.address(), market.deployment.blockNumber(), 0, 100,
          new ReputationStore(db), reputation, metrics).poll();
      try (ReputationServer server = ReputationServer.start(reputation, metrics, "127.0.0.1", 0)) {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        String base = "http://127.0.0.1:" + server.port();
        java.util.function.Function<String, HttpResponse<String>> get = path -> {
          try {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        };
        JsonNode providers = json.readTree(get.apply("/api/v1/providers?sort=dissenting&order=desc").body());
        assertThat(providers.path("providers").get(0).path("address").asText()).isEqualTo(addr(2));
        JsonNode byMiner = json.readTree(get.apply("/api/v1/providers/f01001").body());
        assertThat(byMiner.path("provider").path("address").asText()).isEqualTo(addr(0));
        assertThat(byMiner.path("series").size()).isGreaterThan(0);
        JsonNode job = json.readTree(get.apply("/api/v1/jobs/1").body());
        assertThat(job.path("timeline").get(0).path("event").asText()).isEqualTo("JobPosted");
        assertThat(json.readTree(get.apply("/api/v1/stats").body()).path("jobs").asLong()).isEqualTo(reputation.stats().jobs());
        assertThat(json.readTree(get.apply("/api/v1/openapi.json").body()).path("paths").has("/api/v1/providers/{id}")).isTrue();

        HttpResponse<String> bad = get.apply("/api/v1/providers/nobody");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json.readTree(bad.body()).path("message").asText()).contains("expected a 0x address").contains("nobody");
        assertThat(get.apply("/api/v1/jobs/abc").statusCode()).isEqualTo(400);
        assertThat(get.apply("/api/v1/providers?sort=height").statusCode()).isEqualTo(400);
        HttpResponse<String> missing = get.apply("/api/v1/jobs/999999");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(get.apply("/api/v1/providers/0x" + "0".repeat(40)).statusCode()).isEqualTo(404);

        String text = get.apply("/metrics").body();
        assertThat(text).contains("cod_reputation_events_indexed_total{kind=\"BidPlaced\"}")
            .contains("cod_reputation_cursor_block").contains("cod_reputation_api_request_seconds_bucket");
        assertThat(List.of(text.split("\n"))).anyMatch(l -> l.startsWith("cod_reputation_events_indexed_total{kind=\"JobPosted\"} ")
            && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) == reputation.stats().jobs());
      }
    }
  }
}
