package dev.cod.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cod.chain.ChainConnection;
import dev.cod.chain.HardhatNode;
import dev.cod.chain.TxStore;
import dev.cod.node.JobStore;
import dev.cod.store.H2Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * Data locality end to end: the real seattle-weather.csv is packed as a CAR, its piece CID
 * (commP) computed, and an active deal of it recorded for providers 1 and 2 (in MockDealOracle,
 * which the market asks at each bid, and in the Lotus stand-in, which the nodes ask) but not for
 * provider 3, which holds a deal of another data set. A piece job posted through {@code cod job run}: providers 1 and 2 find their deal,
 * bid naming it, read the piece from their own booster-http stand-in (commP and every block
 * checked) and agree on the result; provider 3 does not bid, and says why.
 */
class PieceJobIT extends DevnetTestBase {

  @Test
  void onlyTheProvidersHoldingThePieceBidAndTheirResultIsVerified() throws Exception {
    Path csv = hardhatDir.resolve("node_modules/vega-datasets/data/seattle-weather.csv");
    Devnet.StoredPiece piece = devnet.storePiece(csv, List.of(1, 2));
    // provider 3 holds a deal too, but of another data set
    Devnet.StoredPiece other = devnet.storePiece(csv.resolveSibling("weather.csv"), List.of(3));
    assertThat(other.pieceCid()).isNotEqualTo(piece.pieceCid());
    assertThat(piece.pieceCid().toString()).startsWith("baga6ea4sea");
    assertThat(piece.deals()).containsOnlyKeys(1, 2);
    long deal1 = piece.deals().get(1);
    long deal2 = piece.deals().get(2);
    assertThat(deal1).isNotEqualTo(deal2);

    String template = Files.readString(hardhatDir.resolveSibling("examples/seattle-precipitation-piece.yaml"));
    Path spec = Files.writeString(dir.resolve("piece-job.yaml"), template.replace("PIECE_CID", piece.pieceCid().toString()));
    DevnetHarness.Run run = cod("job", "run", spec.toString(), "--wait", "--yes", "--timeout", "300");
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("input piece: " + piece.pieceCid()).contains("FINALIZED");
    long jobId = Long.parseLong(field(run.out(), "job-id"));
    String resultCid = field(run.out(), "result-cid");

    Path result = dir.resolve("piece-result");
    DevnetHarness.Run got = cod("job", "get", Long.toString(jobId), "-o", result.toString());
    assertThat(got.exitCode()).as(got.err()).isZero();
    assertThat(got.out()).contains(resultCid).contains("verified");
    List<String> table = Files.readAllLines(result.resolve("outputs/precipitation-by-year.csv"));
    assertThat(table.get(0)).isEqualTo("year,total_precipitation_mm,mean_daily_precipitation_mm,days_with_precipitation");
    MainJobIT.assertMatchesIndependentComputation(table.subList(1, table.size()), csv);

    // describe shows the piece and the deal each bid named; only the two holders bid
    DevnetHarness.Run described = cod("job", "describe", Long.toString(jobId));
    assertThat(described.exitCode()).as(described.err()).isZero();
    String out = described.out();
    List<String> providers = devnet.providerAccounts();
    assertThat(out).contains("input piece   " + piece.pieceCid())
        .contains("result        " + resultCid)
        .containsPattern("BidPlaced #\\d " + providers.get(0) + " .* deal " + deal1)
        .containsPattern("BidPlaced #\\d " + providers.get(1) + " .* deal " + deal2)
        .doesNotContain("BidPlaced #2")
        .doesNotContain(providers.get(2));

    // provider 3 saw the job and declined it for want of a deal, naming the piece
    JobStore.Row third = devnet.jobRow(3, jobId).orElseThrow();
    assertThat(third.step()).isEqualTo(JobStore.Step.SKIPPED);
    assertThat(third.note()).contains("no active deal of f01003 for piece " + piece.pieceCid())
        .contains("1 for other pieces");
    // every transaction the client's commands sent is in its store beside the keystore (its nonces
    // survive a restart of the command): the store's next nonce is the chain's
    ClientConfig client = ClientConfig.load(dir.resolve("client.yaml"), Map.of());
    String account = HardhatNode.devAccount(1).getAddress();
    try (H2Database db = H2Database.open(ClientContext.transactionsFile(client.keystore()));
        ChainConnection chain = ChainConnection.open(devnet.rpcUrl())) {
      long onChain = chain.web3j().ethGetTransactionCount(account, DefaultBlockParameterName.LATEST).send()
          .getTransactionCount().longValueExact();
      assertThat(onChain).isGreaterThanOrEqualTo(2); // postJob and the refund's withdraw
      assertThat(new TxStore(db).nextNonce(account)).isEqualTo(onChain);
    }
    for (int n : new int[] {1, 2}) {
      JobStore.Row holder = devnet.jobRow(n, jobId).orElseThrow();
      assertThat(holder.dealId()).isEqualTo(piece.deals().get(n));
      assertThat(holder.pieceCid()).isEqualTo(piece.pieceCid().toString());
    }

    // the fast path too: the holders run first, then bid with their commitment and their deal
    // (kept in the job store between the two); the same bytes give the same result CID
    assertThat(template).contains("bidWindow: 6s");
    Path fastSpec = Files.writeString(dir.resolve("piece-job-fast.yaml"),
        template.replace("PIECE_CID", piece.pieceCid().toString()).replace("bidWindow: 6s", "bidWindow: 0s"));
    DevnetHarness.Run fast = cod("job", "run", fastSpec.toString(), "--yes", "--wait", "--timeout", "300");
    assertThat(fast.exitCode()).as(fast.out() + fast.err()).isZero();
    assertThat(field(fast.out(), "result-cid")).isEqualTo(resultCid);
    long fastJob = Long.parseLong(field(fast.out(), "job-id"));
    String fastDescribed = cod("job", "describe", Long.toString(fastJob)).out();
    assertThat(fastDescribed)
        .containsPattern("BidPlaced #\\d " + providers.get(0) + " deal " + deal1 + " commitment 0x")
        .containsPattern("BidPlaced #\\d " + providers.get(1) + " deal " + deal2 + " commitment 0x")
        .doesNotContain(providers.get(2)); // provider 3 never bid (why is checked on the auction above)
  }
}
