package dev.cod.chain;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * A bounded budget of retries for transport failures of the chain endpoint (connection refused or
 * reset, timeouts, HTTP 429 and 5xx): exponential backoff with "full jitter" (each wait drawn
 * uniformly from zero to {@code min(maxBackoff, initialBackoff × 2^retry)}, as in the AWS
 * Architecture Blog's "Exponential Backoff And Jitter"). Never used for JSON-RPC errors such as a
 * revert: those are answers, not failures.
 *
 * @param maxAttempts calls in all, the first included (≥ 1; 1 means no retry)
 * @param initialBackoff the upper bound of the first wait
 * @param maxBackoff the cap of any single wait
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
  /** 6 attempts, waits capped at 0.5, 1, 2, 4, 8 s: about 15 s of outage at most is ridden out. */
  public static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofMillis(500), Duration.ofSeconds(8));
  /** One attempt, no retry. */
  public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff, got " + initialBackoff
          + " and " + maxBackoff);
    }
  }

  /**
   * The wait before retry number {@code retry} (1 for the wait after the first failed attempt).
   *
   * @param random uniform in [0, 1)
   */
  public Duration backoff(int retry, DoubleSupplier random) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry counts from 1, got " + retry);
    }
    long capMillis = initialBackoff.toMillis() << Math.min(retry - 1, 30);
    if (capMillis < 0 || capMillis > maxBackoff.toMillis()) {
      capMillis = maxBackoff.toMillis();
    }
    return Duration.ofMillis((long) (random.getAsDouble() * capMillis));
  }

  /** The most time all waits of this budget can take together. */
  public Duration worstCaseWait() {
    Duration total = Duration.ZERO;
    for (int retry = 1; retry < maxAttempts; retry++) {
      total = total.plus(backoff(retry, () -> 1.0));
    }
    return total;
  }

  /** Waits; {@link #REAL} in production, a recording double in unit tests. */
  @FunctionalInterface
  public interface Sleeper {
    Sleeper REAL = d -> Thread.sleep(d.toMillis());

    void sleep(Duration duration) throws InterruptedException;
  }
}
