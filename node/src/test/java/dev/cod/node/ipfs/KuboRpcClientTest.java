package dev.cod.node.ipfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.cod.cid.Cid;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.common.RetriableCodException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's side of the wire format, against answers captured from Kubo (no daemon): error
 * bodies, NDJSON add output, and what the add request looks like. {@link KuboRpcClientIT} runs
 * the same client against a real Kubo.
 */
class KuboRpcClientTest {
  /** Captured: Kubo 0.42.0's answer to {@code POST /api/v0/cat?arg=nope} (HTTP 500). */
  private static final String KUBO_ERROR =
      "{\"Message\":\"invalid path \\\"nope\\\": path does not have enough components\","
          + "\"Code\":0,\"Type\":\"error\"}\n";

  @TempDir Path tmp;
  private HttpServer server;
  private final List<String> requests = new ArrayList<>();
  private volatile byte[] lastBody = new byte[0];
  private volatile String lastContentType = "";

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private void answer(String path, int status, String body) {
    server.createContext(
        path,
        exchange -> {
          requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
          lastContentType = exchange.getRequestHeaders().getFirst("Content-Type");
          lastBody = exchange.getRequestBody().readAllBytes();
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
  }

  private KuboRpcClient client() {
    return new KuboRpcClient(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"));
  }

  @Test
  void surfacesKubosErrorMessage() {
    answer("/api/v0/version", 500, KUBO_ERROR);

    assertThatThrownBy(() -> client().version())
        .isInstanceOf(CodException.class)
        .isNotInstanceOf(RetriableCodException.class)
        .satisfies(e -> assertThat(((CodException) e).code()).isEqualTo(ErrorCode.IPFS_UNAVAILABLE))
        .hasMessage(
            "Kubo RPC version failed (HTTP 500): invalid path \"nope\": path does not have"
                + " enough components");
  }

  @Test
  void gatewayErrorsAreRetriable() {
    answer("/api/v0/version", 503, "busy");

    assertThatThrownBy(() -> client().version())
        .isInstanceOf(RetriableCodException.class)
        .hasMessageContaining("HTTP 503): busy");
  }

  @Test
  void connectionRefusedIsRetriable() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    KuboRpcClient client = new KuboRpcClient(URI.create("http://127.0.0.1:" + port));

    assertThatThrownBy(client::version)
        .isInstanceOf(RetriableCodException.class)
        .satisfies(e -> assertThat(((CodException) e).code()).isEqualTo(ErrorCode.IPFS_UNAVAILABLE))
        .hasMessageContaining("is the IPFS daemon running");
  }

  @Test
  void readsTheVersion() {
    answer(
        "/api/v0/version",
        200,
        "{\"Version\":\"0.42.0\",\"Commit\":\"\",\"Repo\":\"18\",\"System\":\"amd64/linux\","
            + "\"Golang\":\"go1.26.8\"}\n");

    assertThat(client().version()).isEqualTo("0.42.0");
    assertThat(requests).containsExactly("POST /api/v0/version");
  }

  @Test
  void addSendsFixedParametersAndAMultipartTreeAndPicksTheRootByName() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("out dir"));
    Files.writeString(dir.resolve("a+b.txt"), "AB");
    Files.createDirectories(dir.resolve("empty"));
    // Captured: Kubo 0.42.0's add output for this tree.
    String rootCid = "bafybeieg24ym44btapyhznlw55gtjrb2fgxeicmlltguwdjejclfucmapy";
    answer(
        "/api/v0/add",
        200,
        "{\"Name\":\"out dir/a+b.txt\",\"Hash\":\"bafkreibyczh32f3ahvz7nfvywtlsmzgxgw5wu7eik53ip7jk4m75nfsbkm\",\"Size\":\"2\"}\n"
            + "{\"Name\":\"out dir/empty\",\"Hash\":\"bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354\",\"Size\":\"4\"}\n"
            + "{\"Name\":\"out dir\",\"Hash\":\"" + rootCid + "\",\"Size\":\"110\"}\n");

    Cid cid = client().add(dir);

    assertThat(cid).isEqualTo(Cid.parse(rootCid));
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0))
        .startsWith("POST /api/v0/add?")
        .contains("cid-version=1", "raw-leaves=true", "chunker=size-262144", "hash=sha2-256")
        .contains("pin=true", "wrap-with-directory=false", "trickle=false", "progress=false");
    String boundary = lastContentType.substring(lastContentType.indexOf("boundary=") + 9);
    assertThat(lastContentType).startsWith("multipart/form-data; boundary=");
    assertThat(new String(lastBody, StandardCharsets.UTF_8))
        .isEqualTo(
            "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"out+dir\"\r\n"
                + "Content-Type: application/x-directory\r\n\r\n\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"out+dir%2Fa%2Bb.txt\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\nAB\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"out+dir%2Fempty\"\r\n"
                + "Content-Type: application/x-directory\r\n\r\n\r\n"
                + "--" + boundary + "--\r\n");
  }

  @Test
  void addWithoutARootLineFails() throws IOException {
    Path file = Files.writeString(tmp.resolve("f.txt"), "x");
    answer("/api/v0/add", 200, "");

    assertThatThrownBy(() -> client().add(file))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("ended without a line for \"f.txt\"");
  }

  @Test
  void refusesSymlinks() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("d"));
    Files.createSymbolicLink(dir.resolve("passwd"), Path.of("/etc/passwd"));
    answer("/api/v0/add", 200, "");

    assertThatThrownBy(() -> client().add(dir))
        .isInstanceOf(CodException.class)
        .satisfies(e -> assertThat(((CodException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining("symbolic link");
    assertThat(requests).isEmpty();
  }

  @Test
  void getRefusesAnExistingDestination() throws IOException {
    Path existing = Files.createDirectories(tmp.resolve("there"));

    assertThatThrownBy(
            () -> client().get(Cid.rawOf(new byte[0]), existing, 10))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("not to exist");
    assertThat(requests).isEmpty();
  }
}
