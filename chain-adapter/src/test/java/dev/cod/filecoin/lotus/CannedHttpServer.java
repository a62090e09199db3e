package dev.cod.filecoin.lotus;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A loopback HTTP server that records the last request and answers with a canned status and body:
 * the request/response capture of web3j's RequestTester and ResponseTester, over real HTTP.
 */
final class CannedHttpServer implements AutoCloseable {
  private final HttpServer server;
  private volatile int status = 200;
  private volatile byte[] body = new byte[0];
  private volatile Duration delay = Duration.ZERO;
  private volatile String lastBody;
  private volatile String lastAuthorization;
  private volatile String lastPath;

  CannedHttpServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      try (exchange; InputStream in = exchange.getRequestBody()) {
        lastBody = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        lastAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
        lastPath = exchange.getRequestURI().getPath();
        if (!delay.isZero()) {
          try {
            Thread.sleep(delay.toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        }
      }
    });
    server.start();
  }

  URI rpcUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/rpc/v1");
  }

  /** Answers with the test resource {@code lotus/<name>}. */
  CannedHttpServer answer(String resource) {
    return answer(200, Resources.read(resource));
  }

  CannedHttpServer answer(int newStatus, String newBody) {
    status = newStatus;
    body = newBody.getBytes(StandardCharsets.UTF_8);
    return this;
  }

  CannedHttpServer delay(Duration newDelay) {
    delay = newDelay;
    return this;
  }

  String lastBody() {
    return lastBody;
  }

  String lastAuthorization() {
    return lastAuthorization;
  }

  String lastPath() {
    return lastPath;
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** Reads test resources under {@code lotus/}. */
  static final class Resources {
    private Resources() {}

    static String read(String name) {
      try (InputStream in = CannedHttpServer.class.getResourceAsStream("/lotus/" + name)) {
        if (in == null) {
          throw new IllegalArgumentException("no test resource lotus/" + name);
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
