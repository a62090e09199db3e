package dev.cod.node.deals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cod.cid.Cid;
import dev.cod.cid.PieceCommitment;
import dev.cod.filecoin.FilecoinAddress;
import dev.cod.filecoin.FilecoinAddress.Network;
import dev.cod.filecoin.FilecoinCid;
import dev.cod.filecoin.lotus.JsonRpc4jLotusClient;
import dev.cod.filecoin.lotus.LocalLotusServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** LotusDealFinder over real HTTP against the Lotus stand-in, one way for a deal to fail at a time. */
class LotusDealFinderTest {
  private static final String TOKEN = "finder-test-token";
  private static final long MINER = 1001;
  private static final PieceCommitment PIECE = PieceCommitment.of(new byte[127]);
  private static final PieceCommitment OTHER_PIECE = PieceCommitment.of(new byte[254]);

  private LocalLotusServer lotus;
  private JsonRpc4jLotusClient client;

  @BeforeEach
  void start() {
    lotus = LocalLotusServer.start(TOKEN, Network.TESTNET);
    client = new JsonRpc4jLotusClient(lotus.rpcUrl(), TOKEN);
    lotus.setHeadEpoch(100);
  }

  @AfterEach
  void stop() {
    lotus.close();
  }

  private void deal(long id, PieceCommitment piece, long miner, long start, long end, boolean activate) {
    lotus.recordDeal(id, FilecoinCid.of(piece.toCidV1()), piece.paddedSize(), FilecoinAddress.id(Network.TESTNET, 5),
        FilecoinAddress.id(Network.TESTNET, miner), start, end);
    if (activate) {
      lotus.activateDeal(id, id, 50);
    }
  }

  private DealLookup find(List<Long> deals, Cid piece) {
    return new LotusDealFinder(client, MINER, () -> deals).find(piece);
  }

  @Test
  void findsTheActiveDealOfThisMinerForThePieceByItsV1OrV2Cid() {
    deal(7, OTHER_PIECE, MINER, 60, 1000, true);
    deal(8, PIECE, MINER + 1, 60, 1000, true);
    deal(9, PIECE, MINER, 60, 1000, true);

    DealLookup byV1 = find(List.of(7L, 8L, 9L), PIECE.toCidV1());
    DealLookup byV2 = find(List.of(7L, 8L, 9L), PIECE.toCidV2());

    assertThat(byV1.found()).isTrue();
    assertThat(byV1.dealId()).isEqualTo(9);
    assertThat(byV1.reason()).contains("deal 9 of f01001");
    assertThat(byV2.found()).isTrue();
    assertThat(byV2.dealId()).isEqualTo(9);
  }

  @Test
  void eachWayADealCanBeWrongIsRefusedWithItsReason() {
    deal(1, OTHER_PIECE, MINER, 60, 1000, true);   // another piece
    deal(2, PIECE, MINER + 1, 60, 1000, true);      // another miner's
    deal(3, PIECE, MINER, 60, 1000, false);         // not activated
    deal(4, PIECE, MINER, 60, 1000, true);
    lotus.slashDeal(4, 90);                         // terminated
    deal(5, PIECE, MINER, 150, 1000, true);         // term not started
    deal(6, PIECE, MINER, 10, 100, true);           // term ended at the head

    DealLookup none = find(List.of(1L, 2L, 3L, 4L, 5L, 6L, 404L), PIECE.toCidV1());

    assertThat(none.found()).isFalse();
    assertThat(none.reason())
        .contains("no active deal of f01001 for piece " + PIECE.toCidV1() + " at epoch 100")
        .contains("1 for other pieces")
        .contains("deal 2 is stored by t01002, not f01001")
        .contains("deal 3 is not activated")
        .contains("deal 4 was terminated at epoch 90")
        .contains("deal 5 starts at epoch 150")
        .contains("deal 6 ended at epoch 100")
        .contains("deal 404: deal 404 not found");
  }

  @Test
  void aNodeWithNoDealsSaysSo() {
    deal(9, PIECE, MINER, 60, 1000, true);

    DealLookup none = find(List.of(), PIECE.toCidV1());

    assertThat(none.found()).isFalse();
    assertThat(none.reason()).contains("lists no storage deals");
  }
}
