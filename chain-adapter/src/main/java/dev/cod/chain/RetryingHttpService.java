package dev.cod.chain;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.exceptions.ClientConnectionException;
import org.web3j.protocol.http.HttpService;

/**
 * web3j's {@link HttpService} with a bounded retry budget ({@link RetryPolicy}) for transport
 * failures: an {@link IOException} (connection refused or reset, timeout, a response cut short) or
 * an HTTP 429/5xx answer. Other HTTP errors (401: a wrong Lotus token; 404: a wrong path) and
 * JSON-RPC errors (reverts, "nonce too low") are answers and go back at once.
 *
 * <p>Retrying a whole JSON-RPC request is safe for what cod sends: reads, and
 * {@code eth_sendRawTransaction} of bytes signed once, which the chain applies at most once
 * whatever the number of copies (the nonce); a copy that arrives after the first gets "already
 * known" or "nonce too low", which {@link EstimatingTransactionManager} reads as "already in".
 *
 * <p>When the budget is spent, the last failure is thrown as an {@link IOException} whose message
 * names the endpoint, the attempts and the time spent, so callers wrap it in their
 * {@code CHAIN_UNAVAILABLE} error as for any transport failure.
 */
final class RetryingHttpService extends HttpService {
  private static final Logger LOG = LoggerFactory.getLogger(RetryingHttpService.class);
  /** web3j's message for a non-2xx answer: "Invalid response received: 503; body". */
  private static final Pattern HTTP_STATUS = Pattern.compile("received: (\\d{3})");

  private final String url;
  private final RetryPolicy policy;
  private final RetryPolicy.Sleeper sleeper;
  private final DoubleSupplier random;

  RetryingHttpService(String url, OkHttpClient client, RetryPolicy policy, RetryPolicy.Sleeper sleeper) {
    this(url, client, policy, sleeper, () -> ThreadLocalRandom.current().nextDouble());
  }

  RetryingHttpService(String url, OkHttpClient client, RetryPolicy policy, RetryPolicy.Sleeper sleeper,
      DoubleSupplier random) {
    super(url, client);
    this.url = url;
    this.policy = policy;
    this.sleeper = sleeper;
    this.random = random;
  }

  @Override
  protected InputStream performIO(String request) throws IOException {
    long start = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      String failure;
      Exception cause;
      try {
        return super.performIO(request);
      } catch (InterruptedIOException e) {
        if (Thread.currentThread().isInterrupted()) {
          throw e;
        }
        failure = e.toString();
        cause = e;
      } catch (IOException e) {
        failure = e.toString();
        cause = e;
      } catch (ClientConnectionException e) {
        if (!isRetriableStatus(e.getMessage())) {
          throw e;
        }
        failure = e.getMessage();
        cause = e;
      }
      if (attempt >= policy.maxAttempts()) {
        Duration spent = Duration.ofNanos(System.nanoTime() - start);
        throw new IOException("chain endpoint " + url + " failed " + attempt + " time(s) over "
            + spent.toMillis() + " ms (retry budget " + policy.maxAttempts() + " attempts); last failure: "
            + failure, cause);
      }
      Duration wait = policy.backoff(attempt, random);
      LOG.warn("chain endpoint {} failed (attempt {} of {}): {}; retrying in {} ms", url, attempt,
          policy.maxAttempts(), failure, wait.toMillis());
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting to retry " + url);
      }
    }
  }

  /** HTTP 429 (too many requests) and 5xx are worth retrying; other statuses are answers. */
  static boolean isRetriableStatus(String message) {
    Matcher m = HTTP_STATUS.matcher(message == null ? "" : message);
    if (!m.find()) {
      return false;
    }
    int status = Integer.parseInt(m.group(1));
    return status == 429 || status >= 500;
  }
}
