package dev.cod.node.exec;

import java.time.Duration;

/**
 * What one execution may use. Every engine enforces all five; an engine that cannot enforce one
 * says so in {@link Executor#canRun(ExecutionRequest)}.
 *
 * @param memoryBytes RAM in bytes, swap included (Docker {@code HostConfig.Memory} and {@code
 *     MemorySwap}); at least {@link #MIN_MEMORY_BYTES} (Docker Engine's minimum is 6 MiB)
 * @param nanoCpus CPU quota in billionths of a CPU (Docker {@code HostConfig.NanoCpus}): {@code
 *     1_000_000_000} is one full core; at least {@link #MIN_NANO_CPUS} (0.01 CPU, Docker Engine's
 *     minimum). Docker Engine also rejects more than the host has.
 * @param pids most processes and threads alive at once (Docker {@code HostConfig.PidsLimit}), at
 *     least 1
 * @param timeout wall-clock time from container start to exit; past it the job is killed. Positive,
 *     at most {@link #MAX_TIMEOUT}
 * @param maxOutputBytes most bytes of result: files written to {@code /outputs} plus stdout plus
 *     stderr, together. Positive.
 * @see <a href="https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Container/operation/ContainerCreate">Docker
 *     Engine API v1.41, ContainerCreate, HostConfig</a>
 */
public record ResourceLimits(
    long memoryBytes, long nanoCpus, long pids, Duration timeout, long maxOutputBytes) {

  /** Docker Engine refuses a memory limit under 6 MiB. */
  public static final long MIN_MEMORY_BYTES = 6L * 1024 * 1024;
  /** Docker Engine refuses a CPU limit under 0.01 CPU. */
  public static final long MIN_NANO_CPUS = 10_000_000L;
  /** One CPU in nanoCPUs. */
  public static final long ONE_CPU = 1_000_000_000L;
  /** Longest accepted timeout: one day. */
  public static final Duration MAX_TIMEOUT = Duration.ofDays(1);

  /** 512 MiB of memory, one CPU, 256 pids, 10 minutes, 256 MiB of output. */
  public static final ResourceLimits DEFAULT =
      new ResourceLimits(512L << 20, ONE_CPU, 256, Duration.ofMinutes(10), 256L << 20);

  /**
   * @throws IllegalArgumentException if a value is out of range (the message names it)
   * @throws NullPointerException if {@code timeout} is null
   */
  public ResourceLimits {
    if (memoryBytes < MIN_MEMORY_BYTES) {
      throw new IllegalArgumentException(
          "memoryBytes must be at least " + MIN_MEMORY_BYTES + " (6 MiB), got " + memoryBytes);
    }
    if (nanoCpus < MIN_NANO_CPUS) {
      throw new IllegalArgumentException(
          "nanoCpus must be at least " + MIN_NANO_CPUS + " (0.01 CPU), got " + nanoCpus);
    }
    if (pids < 1) {
      throw new IllegalArgumentException("pids must be at least 1, got " + pids);
    }
    if (timeout == null) {
      throw new NullPointerException("timeout");
    }
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          "timeout must be positive and at most " + MAX_TIMEOUT + ", got " + timeout);
    }
    if (maxOutputBytes < 1) {
      throw new IllegalArgumentException("maxOutputBytes must be positive, got " + maxOutputBytes);
    }
  }

  /** A copy with another timeout. */
  public ResourceLimits withTimeout(Duration newTimeout) {
    return new ResourceLimits(memoryBytes, nanoCpus, pids, newTimeout, maxOutputBytes);
  }

  /** A copy with another output limit, in bytes. */
  public ResourceLimits withMaxOutputBytes(long newMaxOutputBytes) {
    return new ResourceLimits(memoryBytes, nanoCpus, pids, timeout, newMaxOutputBytes);
  }
}
