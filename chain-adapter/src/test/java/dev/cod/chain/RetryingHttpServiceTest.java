package dev.cod.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.exceptions.ClientConnectionException;

/** The retry budget against a real local HTTP server that fails on purpose; waits are recorded, not slept. */
class RetryingHttpServiceTest {
  private static final String CHAIN_ID = "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":\"0x7a69\"}";
  private final List<Duration> waits = new ArrayList<>();
  private final RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofMillis(400));
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** Answers {@code failures} times with {@code status}, then with the chain id. */
  private String serve(int failures, int status, AtomicInteger calls) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      byte[] body;
      int code;
      if (calls.incrementAndGet() <= failures) {
        code = status;
        body = "busy".getBytes(StandardCharsets.UTF_8);
      } else {
        code = 200;
        body = CHAIN_ID.getBytes(StandardCharsets.UTF_8);
      }
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(code, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private Web3j client(String url) {
    return Web3j.build(new RetryingHttpService(url, new OkHttpClient(), policy, waits::add, () -> 1.0));
  }

  @Test
  void ridesOutServerErrorsWithGrowingWaits() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Web3j web3j = client(serve(3, 503, calls));
    assertThat(web3j.ethChainId().send().getChainId().longValue()).isEqualTo(31337);
    assertThat(calls).hasValue(4);
    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
  }

  @Test
  void givesUpWithAClearErrorOnceTheBudgetIsSpent() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    String url = serve(100, 502, calls);
    Web3j web3j = client(url);
    assertThatThrownBy(() -> web3j.ethChainId().send()).isInstanceOf(IOException.class)
        .hasMessageContaining("chain endpoint " + url + " failed 4 time(s)")
        .hasMessageContaining("502");
    assertThat(calls).hasValue(4);
    assertThat(waits).hasSize(3);
  }

  @Test
  void doesNotRetryAnAnswerSuchAsUnauthorized() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Web3j web3j = client(serve(100, 401, calls));
    assertThatThrownBy(() -> web3j.ethChainId().send()).isInstanceOf(ClientConnectionException.class)
        .hasMessageContaining("401");
    assertThat(calls).hasValue(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void retriesARefusedConnection() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Web3j web3j = client("http://127.0.0.1:" + port);
    assertThatThrownBy(() -> web3j.ethChainId().send()).isInstanceOf(IOException.class)
        .hasMessageContaining("failed 4 time(s)").hasMessageContaining("Failed to connect");
    assertThat(waits).hasSize(3);
  }

  @Test
  void tellsRetriableStatusesFromAnswers() {
    assertThat(RetryingHttpService.isRetriableStatus("Invalid response received: 503; busy")).isTrue();
    assertThat(RetryingHttpService.isRetriableStatus("Invalid response received: 429; slow down")).isTrue();
    assertThat(RetryingHttpService.isRetriableStatus("Invalid response received: 404; no")).isFalse();
    assertThat(RetryingHttpService.isRetriableStatus(null)).isFalse();
  }
}
