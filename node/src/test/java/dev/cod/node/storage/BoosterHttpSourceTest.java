package dev.cod.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.cid.Cid;
import dev.cod.cid.PieceCommitment;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.node.ipfs.TestDag;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoosterHttpSourceTest {
  private static final int CHUNK = 1000;

  @TempDir Path tmp;
  private Path pieces;
  private Path inputs;
  private PieceHttpServer server;
  private final List<DroppingProxy> proxies = new ArrayList<>();

  /** A CAR holding {@code content} as a UnixFS file of raw 1000-byte leaves. */
  private record Car(byte[] bytes, Cid root, byte[] content) {}

  @BeforeEach
  void start() throws Exception {
    pieces = Files.createDirectories(tmp.resolve("pieces"));
    inputs = Files.createDirectories(tmp.resolve("inputs"));
    server = PieceHttpServer.start(pieces);
  }

  @AfterEach
  void stop() throws Exception {
    for (DroppingProxy proxy : proxies) {
      proxy.close();
    }
    server.close();
  }

  private static Car fileCar(int size, long seed) {
    byte[] content = new byte[size];
    new Random(seed).nextBytes(content);
    TestDag dag = new TestDag();
    List<Cid> leaves = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    for (int off = 0; off < size; off += CHUNK) {
      byte[] leaf = Arrays.copyOfRange(content, off, Math.min(size, off + CHUNK));
      leaves.add(dag.raw(leaf));
      sizes.add((long) leaf.length);
    }
    Cid root = dag.file(new byte[0], leaves, sizes);
    return new Car(dag.car(root), root, content);
  }

  /** The piece a deal of {@code car} stores: the CAR zero-padded to 127 × 2^k bytes. */
  private static byte[] piece(byte[] car) {
    return Arrays.copyOf(car, (int) PieceCommitment.of(car).unpaddedSize());
  }

  /** Serves {@code bytes} under {@code cid}. */
  private void serve(Cid cid, byte[] bytes) throws Exception {
    Files.write(PieceHttpServer.pieceFile(pieces, cid), bytes);
  }

  private BoosterHttpSource source(URI base, long maxPieceBytes, int retries) {
    return new BoosterHttpSource(
        base, HttpClient.newHttpClient(), maxPieceBytes, Duration.ofSeconds(10), retries, Duration.ZERO);
  }

  private DroppingProxy proxy(int drops, long after, boolean stripRange) throws Exception {
    DroppingProxy proxy = new DroppingProxy(server.baseUrl(), drops, after, stripRange);
    proxies.add(proxy);
    return proxy;
  }

  private List<Path> inputsContent() throws Exception {
    try (Stream<Path> list = Files.list(inputs)) {
      return list.toList();
    }
  }

  @Test
  void fetchesAPaddedPieceAndUnpacksItsFile() throws Exception {
    Car car = fileCar(20_000, 1);
    byte[] piece = piece(car.bytes());
    Cid pieceCid = PieceCommitment.of(piece).toCidV1();
    // zero padding does not change the commitment of the CAR
    assertThat(PieceCommitment.of(car.bytes()).toCidV1()).isEqualTo(pieceCid);
    serve(pieceCid, piece);

    source(server.baseUrl(), 1 << 20, 0).fetch(pieceCid.toString(), inputs.resolve("data.bin"), 1 << 20);

    assertThat(Files.readAllBytes(inputs.resolve("data.bin"))).isEqualTo(car.content());
    assertThat(inputsContent()).containsExactly(inputs.resolve("data.bin"));
  }

  @Test
  void acceptsAPieceServedWithoutItsPaddingAndAV2PieceCid() throws Exception {
    Car car = fileCar(5_000, 2);
    PieceCommitment commP = PieceCommitment.of(car.bytes());
    // a deal's piece may be larger than the CAR needs: name it at 4× its natural size
    Cid v1 = commP.padTo(commP.paddedSize() * 4).toCidV1();
    Cid v2 = commP.toCidV2();
    serve(v1, car.bytes());
    serve(v2, car.bytes());
    BoosterHttpSource source = source(server.baseUrl(), 1 << 20, 0);

    source.fetch(v1.toString(), inputs.resolve("v1"), 1 << 20);
    source.fetch(v2.toString(), inputs.resolve("v2"), 1 << 20);

    assertThat(Files.readAllBytes(inputs.resolve("v1"))).isEqualTo(car.content());
    assertThat(Files.readAllBytes(inputs.resolve("v2"))).isEqualTo(car.content());
  }

  @Test
  void unpacksADirectory() throws Exception {
    TestDag dag = new TestDag();
    Cid a = dag.raw("alpha\n".getBytes(StandardCharsets.US_ASCII));
    Cid b = dag.raw("beta\n".repeat(30).getBytes(StandardCharsets.US_ASCII));
    Map<String, Cid> entries = new LinkedHashMap<>();
    entries.put("a.txt", a);
    entries.put("b.txt", b);
    Cid root = dag.directory(entries);
    byte[] piece = piece(dag.car(root));
    Cid pieceCid = PieceCommitment.of(piece).toCidV1();
    serve(pieceCid, piece);

    source(server.baseUrl(), 1 << 20, 0).fetch(pieceCid.toString(), inputs.resolve("dir"), 1 << 20);

    assertThat(Files.readString(inputs.resolve("dir/a.txt"))).isEqualTo("alpha\n");
    assertThat(Files.readString(inputs.resolve("dir/b.txt"))).isEqualTo("beta\n".repeat(30));
  }

  @Test
  void refusesAPieceWithOneByteFlippedAndLeavesNothing() throws Exception {
    Car car = fileCar(20_000, 3);
    byte[] piece = piece(car.bytes());
    Cid pieceCid = PieceCommitment.of(piece).toCidV1();
    byte[] corrupt = piece.clone();
    corrupt[car.bytes().length / 2] ^= 0x01;
    serve(pieceCid, corrupt);

    assertThatThrownBy(
            () -> source(server.baseUrl(), 1 << 20, 0)
                .fetch(pieceCid.toString(), inputs.resolve("data.bin"), 1 << 20))
        .isInstanceOf(CodException.class)
        .satisfies(e -> assertThat(((CodException) e).code()).isEqualTo(ErrorCode.CONTENT_MISMATCH))
        .hasMessageContaining("does not match its CID")
        .hasMessageContaining(pieceCid.toString())
        .hasMessageContaining("nothing was written");
    assertThat(inputsContent()).isEmpty();
  }

  @Test
  void refusesANonZeroByteInThePadding() throws Exception {
    Car car = fileCar(3_000, 4);
    byte[] piece = piece(car.bytes());
    Cid pieceCid = PieceCommitment.of(piece).toCidV1();
    piece[piece.length - 1] = 1;
    serve(pieceCid, piece);

    assertThatThrownBy(
            () -> source(server.baseUrl(), 1 << 20, 0)
                .fetch(pieceCid.toString(), inputs.resolve("data.bin"), 1 << 20))
        .satisfies(e -> assertThat(((CodException) e).code()).isEqualTo(ErrorCode.CONTENT_MISMATCH));
    assertThat(inputsContent()).isEmpty();
  }

  @Test
  void resumesADownloadTheServerDropsMidwayWithARangeRequest() throws Exception {
    Car car = fileCar(200_000, 5);
    byte[] piece = piece(car.bytes());
    Cid pieceCid = PieceCommitment.of(piece).toCidV1();
    serve(pieceCid, piece);
    DroppingProxy proxy = proxy(1, 100_000, false);

    source(proxy.baseUrl(), 1 << 20, 3).fetch(pieceCid.toString(), inputs.resolve("data.bin"), 1 << 20);

    assertThat(Files.readAllBytes(inputs.resolve("data.bin"))).isEqualTo(car.content());
    List<String> requests = proxy.requests();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0)).startsWith("GET /piece/" + pieceCid + " ").doesNotContainIgnoringCase("range:");
    // the first response was cut after 100000 bytes, headers included: it resumes after the body bytes it got
    String range = requests.get(1).lines().filter(l -> l.toLowerCase().startsWith("range:")).findFirst().orElseThrow();
    long resumedAt = Long.parseLong(range.replaceAll("(?i)range: bytes=(\\d+)-", "$1"));
    assertThat(resumedAt).isBetween(99_000L, 99_999L);
  }

  @Test
  void cutsABodyThatStallsAndResumesWithARangeRequest() throws Exception {
    Car car = fileCar(200_000, 9);
    byte[] piece = piece(car.bytes());
    Cid pieceCid = PieceCommitment.of(piece).toCidV1();
    serve(pieceCid, piece);
    DroppingProxy proxy = new DroppingProxy(server.baseUrl(), 1, 100_000, false, true);
    proxies.add(proxy);
    BoosterHttpSource source = new BoosterHttpSource(
        proxy.baseUrl(), HttpClient.newHttpClient(), 1 << 20, Duration.ofMillis(500), 3, Duration.ZERO);

    source.fetch(pieceCid.toString(), inputs.resolve("data.bin"), 1 << 20);

    assertThat(Files.readAllBytes(inputs.resolve("data.bin"))).isEqualTo(car.content());
    List<String> requests = proxy.requests();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(1)).containsIgnoringCase("range: bytes=");
  }

  @Test
  void restartsFromTheFirstByteWhenTheServerIgnoresRange() throws Exception {
    Car car = fileCar(100_000, 6);
    byte[] piece = piece(car.bytes());
    Cid pieceCid = PieceCommitment.of(piece).toCidV1();
    serve(pieceCid, piece);
    DroppingProxy proxy = proxy(1, 50_000, true);

    source(proxy.baseUrl(), 1 << 20, 3).fetch(pieceCid.toString(), inputs.resolve("data.bin"), 1 << 20);

    assertThat(Files.readAllBytes(inputs.resolve("data.bin"))).isEqualTo(car.content());
    assertThat(proxy.requests()).hasSize(2);
  }

  @Test
  void givesUpAfterTheRetriesAndLeavesNothing() throws Exception {
    Car car = fileCar(100_000, 7);
    byte[] piece = piece(car.bytes());
    Cid pieceCid = PieceCommitment.of(piece).toCidV1();
    serve(pieceCid, piece);
    DroppingProxy proxy = proxy(Integer.MAX_VALUE, 20_000, false);

    assertThatThrownBy(
            () -> source(proxy.baseUrl(), 1 << 20, 2)
                .fetch(pieceCid.toString(), inputs.resolve("data.bin"), 1 << 20))
        .isInstanceOf(CodException.class)
        .satisfies(e -> assertThat(((CodException) e).isRetriable()).isTrue())
        .satisfies(e -> assertThat(((CodException) e).code()).isEqualTo(ErrorCode.INPUT_UNAVAILABLE))
        .hasMessageContaining("3 times");
    assertThat(proxy.requests()).hasSize(3);
    assertThat(inputsContent()).isEmpty();
  }

  @Test
  void anUnknownPieceIsUnavailable() throws Exception {
    Cid pieceCid = PieceCommitment.of(new byte[1000]).toCidV1();

    assertThatThrownBy(
            () -> source(server.baseUrl(), 1 << 20, 3)
                .fetch(pieceCid.toString(), inputs.resolve("data.bin"), 1 << 20))
        .isInstanceOf(CodException.class)
        .satisfies(e -> assertThat(((CodException) e).code()).isEqualTo(ErrorCode.INPUT_UNAVAILABLE))
        .satisfies(e -> assertThat(((CodException) e).isRetriable()).isFalse())
        .hasMessageContaining("HTTP 404")
        .hasMessageContaining("does not serve piece " + pieceCid);
    assertThat(inputsContent()).isEmpty();
  }

  @Test
  void unreachableBoosterHttpIsRetriable() throws Exception {
    URI nowhere;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      nowhere = URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
    Cid pieceCid = PieceCommitment.of(new byte[1000]).toCidV1();

    assertThatThrownBy(
            () -> source(nowhere, 1 << 20, 1).fetch(pieceCid.toString(), inputs.resolve("x"), 1 << 20))
        .satisfies(e -> assertThat(((CodException) e).isRetriable()).isTrue())
        .hasMessageContaining("cannot reach booster-http at " + nowhere);
  }

  @Test
  void refusesAPieceOverTheSizeLimitBeforeReadingIt() throws Exception {
    Car car = fileCar(20_000, 8);
    byte[] piece = piece(car.bytes());
    Cid pieceCid = PieceCommitment.of(piece).toCidV1();
    serve(pieceCid, piece);

    assertThatThrownBy(
            () -> source(server.baseUrl(), 10_000, 0)
                .fetch(pieceCid.toString(), inputs.resolve("data.bin"), 1 << 20))
        .satisfies(e -> assertThat(((CodException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining("is " + piece.length + " bytes, more than the 10000 bytes");
    assertThat(inputsContent()).isEmpty();
  }

  @Test
  void refusesContentOverMaxBytes() throws Exception {
    Car car = fileCar(20_000, 9);
    byte[] piece = piece(car.bytes());
    Cid pieceCid = PieceCommitment.of(piece).toCidV1();
    serve(pieceCid, piece);

    assertThatThrownBy(
            () -> source(server.baseUrl(), 1 << 20, 0)
                .fetch(pieceCid.toString(), inputs.resolve("data.bin"), 19_999))
        .hasMessageContaining("at most 19999 bytes of content");
    assertThat(inputsContent()).isEmpty();
  }

  @Test
  void refusesReferencesThatAreNotPieceCidsAndAnExistingDestination() throws Exception {
    BoosterHttpSource source = source(server.baseUrl(), 1 << 20, 0);
    Cid raw = Cid.rawOf(new byte[] {1});

    assertThatThrownBy(() -> source.fetch(raw.toString(), inputs.resolve("x"), 100))
        .satisfies(e -> assertThat(((CodException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining("expected a piece CID")
        .hasMessageContaining("use source ipfs");
    assertThatThrownBy(() -> source.fetch("not-a-cid", inputs.resolve("x"), 100))
        .hasMessageContaining("expected a piece CID");
    Files.writeString(inputs.resolve("taken"), "x");
    Cid pieceCid = PieceCommitment.of(new byte[1000]).toCidV1();
    assertThatThrownBy(() -> source.fetch(pieceCid.toString(), inputs.resolve("taken"), 100))
        .hasMessageContaining("not to exist");
    assertThat(source.type()).isEqualTo("piece");
    assertThat(source.pieceUrl(pieceCid).toString()).isEqualTo(server.baseUrl() + "/piece/" + pieceCid);
  }
}
