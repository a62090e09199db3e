package dev.cod.node.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cod.cid.Cid;
import dev.cod.cid.PieceCommitment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PieceHttpServer} over real HTTP; expected answers per RFC 9110 §14 and FRC-0066. */
class PieceHttpServerTest {
  @TempDir Path tmp;
  private PieceHttpServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private byte[] piece;
  private Cid pieceCid;

  @BeforeEach
  void start() throws Exception {
    piece = new byte[1000];
    new Random(1).nextBytes(piece);
    pieceCid = PieceCommitment.of(piece).toCidV1();
    Files.write(PieceHttpServer.pieceFile(tmp, pieceCid), piece);
    server = PieceHttpServer.start(tmp);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<byte[]> get(String path, String range) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path));
    if (range != null) {
      request.header("Range", range);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void bindsToLoopbackAndServesTheWholePiece() throws Exception {
    assertThat(server.baseUrl().getHost()).isEqualTo("127.0.0.1");

    HttpResponse<byte[]> response = get("/piece/" + pieceCid, null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(piece);
    assertThat(response.headers().firstValue("Accept-Ranges")).hasValue("bytes");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
    assertThat(response.headers().firstValue("Content-Length")).hasValue("1000");
    assertThat(response.headers().firstValue("Etag")).hasValue("\"" + pieceCid + "\"");
  }

  @Test
  void servesByteRangesWith206() throws Exception {
    HttpResponse<byte[]> closed = get("/piece/" + pieceCid, "bytes=10-19");
    assertThat(closed.statusCode()).isEqualTo(206);
    assertThat(closed.headers().firstValue("Content-Range")).hasValue("bytes 10-19/1000");
    assertThat(closed.body()).isEqualTo(Arrays.copyOfRange(piece, 10, 20));

    HttpResponse<byte[]> open = get("/piece/" + pieceCid, "bytes=990-");
    assertThat(open.headers().firstValue("Content-Range")).hasValue("bytes 990-999/1000");
    assertThat(open.body()).isEqualTo(Arrays.copyOfRange(piece, 990, 1000));

    HttpResponse<byte[]> suffix = get("/piece/" + pieceCid, "bytes=-5");
    assertThat(suffix.headers().firstValue("Content-Range")).hasValue("bytes 995-999/1000");
    assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(piece, 995, 1000));

    HttpResponse<byte[]> pastEnd = get("/piece/" + pieceCid, "bytes=500-5000");
    assertThat(pastEnd.headers().firstValue("Content-Range")).hasValue("bytes 500-999/1000");
    assertThat(pastEnd.body()).hasSize(500);
  }

  @Test
  void unsatisfiableRangesAre416AndUnusableOnesAreIgnored() throws Exception {
    HttpResponse<byte[]> beyond = get("/piece/" + pieceCid, "bytes=1000-");
    assertThat(beyond.statusCode()).isEqualTo(416);
    assertThat(beyond.headers().firstValue("Content-Range")).hasValue("bytes */1000");
    assertThat(get("/piece/" + pieceCid, "bytes=-0").statusCode()).isEqualTo(416);

    // several ranges, a reversed range or another unit: the whole piece (RFC 9110 allows it)
    for (String ignored : new String[] {"bytes=0-1,5-6", "bytes=9-3", "items=0-1", "bytes=-"}) {
      HttpResponse<byte[]> whole = get("/piece/" + pieceCid, ignored);
      assertThat(whole.statusCode()).as(ignored).isEqualTo(200);
      assertThat(whole.body()).isEqualTo(piece);
    }
  }

  @Test
  void unknownPiecesBadPathsAndOtherMethods() throws Exception {
    Cid other = PieceCommitment.of(new byte[500]).toCidV1();
    assertThat(get("/piece/" + other, null).statusCode()).isEqualTo(404);
    assertThat(get("/piece/" + Cid.rawOf(new byte[] {1}), null).statusCode()).isEqualTo(400);
    assertThat(get("/piece/not-a-cid", null).statusCode()).isEqualTo(400);
    assertThat(get("/piece/" + pieceCid + "/x", null).statusCode()).isEqualTo(400);
    assertThat(get("/ipfs/" + pieceCid, null).statusCode()).isEqualTo(400);

    HttpResponse<Void> post = http.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/piece/" + pieceCid))
            .POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void headAnswersTheLengthWithoutABody() throws Exception {
    HttpResponse<byte[]> head = http.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/piece/" + pieceCid))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofByteArray());

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length")).hasValue("1000");
    assertThat(head.body()).isEmpty();
  }

  @Test
  void aV2PieceCidNamesItsOwnFile() throws Exception {
    Cid v2 = PieceCommitment.of(piece).toCidV2();
    assertThat(get("/piece/" + v2, null).statusCode()).isEqualTo(404);

    Files.write(PieceHttpServer.pieceFile(tmp, v2), piece);

    assertThat(get("/piece/" + v2, null).body()).isEqualTo(piece);
  }
}
