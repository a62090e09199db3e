package dev.cod.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.chain.HardhatNode;
import dev.cod.cid.Cid;
import dev.cod.cid.PieceCommitment;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.node.ipfs.KuboDaemon;
import dev.cod.node.ipfs.KuboRpcClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real data set as a Filecoin piece, end to end: vega-datasets' seattle-weather.csv is added to
 * a real offline Kubo (in a directory, so the DAG has a dag-pb node and a raw leaf), exported as a
 * CAR ({@code dag/export}), zero-padded into a piece the way booster-http serves one, named by its
 * commP and served by {@link PieceHttpServer}; {@link BoosterHttpSource} reads it back.
 */
@Tag("ipfs")
class PieceRetrievalIT {
  private static final long MAX = 16L << 20;

  @TempDir static Path tmp;
  private static KuboDaemon daemon;
  private static Path csv;
  private static byte[] car;
  private static byte[] piece;
  private static Cid pieceCid;
  private static Path pieces;
  private static PieceHttpServer server;

  @BeforeAll
  static void packTheDataSetIntoAPiece() throws Exception {
    Optional<Path> binary = KuboDaemon.findBinary();
    Assumptions.assumeTrue(binary.isPresent(), "Kubo (ipfs binary) not found: set COD_IPFS_BIN");
    csv = HardhatNode.findHardhatDir().resolve("node_modules/vega-datasets/data/seattle-weather.csv");
    Assumptions.assumeTrue(Files.isRegularFile(csv), "vega-datasets not installed (npm ci in hardhat/)");
    daemon = KuboDaemon.start(binary.get(), tmp.resolve("repo"));
    KuboRpcClient ipfs = new KuboRpcClient(daemon.apiUrl());

    Path dir = Files.createDirectories(tmp.resolve("weather"));
    Files.copy(csv, dir.resolve("seattle-weather.csv"));
    Cid root = ipfs.add(dir);
    Path carFile = tmp.resolve("weather.car");
    ipfs.exportCar(root, carFile, MAX);
    car = Files.readAllBytes(carFile);

    PieceCommitment commP = PieceCommitment.of(car);
    piece = Arrays.copyOf(car, (int) commP.unpaddedSize());
    pieceCid = commP.toCidV1();
    assertThat(PieceCommitment.of(piece).toCidV1()).isEqualTo(pieceCid);
    pieces = Files.createDirectories(tmp.resolve("pieces"));
    Files.write(PieceHttpServer.pieceFile(pieces, pieceCid), piece);
    server = PieceHttpServer.start(pieces);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (daemon != null) {
      daemon.close();
    }
  }

  private static BoosterHttpSource source(URI base) {
    return new BoosterHttpSource(base, HttpClient.newHttpClient(), MAX, Duration.ofSeconds(30), 3, Duration.ZERO);
  }

  private static List<Path> list(Path dir) throws Exception {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.toList();
    }
  }

  @Test
  void theDataSetComesBackFromItsPieceByteForByte() throws Exception {
    Path inputs = Files.createDirectories(tmp.resolve("job-1/inputs"));

    source(server.baseUrl()).fetch(pieceCid.toString(), inputs.resolve("weather"), MAX);

    assertThat(list(inputs)).containsExactly(inputs.resolve("weather"));
    assertThat(list(inputs.resolve("weather"))).containsExactly(inputs.resolve("weather/seattle-weather.csv"));
    assertThat(Files.readAllBytes(inputs.resolve("weather/seattle-weather.csv"))).isEqualTo(Files.readAllBytes(csv));
    assertThat(Files.readString(inputs.resolve("weather/seattle-weather.csv")))
        .startsWith("date,precipitation,temp_max,temp_min,wind,weather");
  }

  @Test
  void aPieceWithOneByteFlippedIsRefused() throws Exception {
    byte[] corrupt = piece.clone();
    corrupt[car.length - 1000] ^= 0x20; // inside the CSV's last block
    Path badPieces = Files.createDirectories(tmp.resolve("bad-pieces"));
    Files.write(PieceHttpServer.pieceFile(badPieces, pieceCid), corrupt);
    Path inputs = Files.createDirectories(tmp.resolve("job-2/inputs"));

    try (PieceHttpServer bad = PieceHttpServer.start(badPieces)) {
      assertThatThrownBy(() -> source(bad.baseUrl()).fetch(pieceCid.toString(), inputs.resolve("weather"), MAX))
          .isInstanceOf(CodException.class)
          .satisfies(e -> assertThat(((CodException) e).code()).isEqualTo(ErrorCode.CONTENT_MISMATCH))
          .hasMessageContaining("does not match its CID");
    }
    assertThat(list(inputs)).isEmpty();
  }

  @Test
  void aDownloadDroppedMidwayIsResumedWithARangeRequest() throws Exception {
    Path inputs = Files.createDirectories(tmp.resolve("job-3/inputs"));

    try (DroppingProxy proxy = new DroppingProxy(server.baseUrl(), 1, piece.length / 2, false)) {
      source(proxy.baseUrl()).fetch(pieceCid.toString(), inputs.resolve("weather"), MAX);

      assertThat(proxy.requests()).hasSize(2);
      assertThat(proxy.requests().get(1)).containsIgnoringCase("range: bytes=");
    }
    assertThat(Files.readAllBytes(inputs.resolve("weather/seattle-weather.csv"))).isEqualTo(Files.readAllBytes(csv));
  }
}
