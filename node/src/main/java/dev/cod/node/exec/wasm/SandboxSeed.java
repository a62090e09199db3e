package dev.cod.node.exec.wasm;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Objects;

/**
 * What a WASM job sees instead of the host's clocks and entropy, derived only from the job's id, so
 * that every honest provider of the same job shows the module the same time and the same "random"
 * bytes, run after run, JVM after JVM.
 *
 * <ul>
 *   <li>{@link #instant()}: the one instant every clock of the job reads (WASI {@code
 *       clock_time_get} for the realtime, monotonic, process and thread clocks): whole seconds in
 *       [2000-01-01T00:00:00Z, 2010-01-01T00:00:00Z), chosen by the first 8 bytes of {@code
 *       SHA-256("cod-wasm-clock\0" || jobId)} taken as an unsigned number modulo 315,576,000 s.
 *   <li>{@link #stream()}: the bytes {@code random_get} returns, in order: SHA-256 in counter mode,
 *       block {@code i} = {@code SHA-256(key || i)} with {@code key = SHA-256("cod-wasm-random\0" ||
 *       jobId)} and {@code i} a big-endian uint64 from 0; 32 bytes per block.
 * </ul>
 *
 * Strings are UTF-8. Deterministic by construction, and not secret: a job must not use these bytes
 * as keys.
 *
 * @param jobId the job's id as in {@code ExecutionRequest.jobId}, e.g. {@code job-42}; non-empty
 */
public record SandboxSeed(String jobId) {
  /** 2000-01-01T00:00:00Z. */
  static final long EPOCH_2000 = 946_684_800L;
  /** Ten years of 365.25 days, in seconds. */
  static final long SPAN_SECONDS = 315_576_000L;

  /**
   * @throws NullPointerException if {@code jobId} is null
   * @throws IllegalArgumentException if it is empty
   */
  public SandboxSeed {
    Objects.requireNonNull(jobId, "jobId");
    if (jobId.isEmpty()) {
      throw new IllegalArgumentException("jobId must not be empty");
    }
  }

  /** The instant every clock of this job reads, whole seconds. */
  public Instant instant() {
    byte[] h = sha256(("cod-wasm-clock\0" + jobId).getBytes(StandardCharsets.UTF_8));
    long first = ByteBuffer.wrap(h, 0, 8).getLong();
    return Instant.ofEpochSecond(EPOCH_2000 + Long.remainderUnsigned(first, SPAN_SECONDS));
  }

  /** {@link #instant()} in nanoseconds since 1970-01-01Z, as WASI timestamps are. */
  public long instantNanos() {
    return instant().getEpochSecond() * 1_000_000_000L;
  }

  /** A fresh stream of this job's bytes, from its first byte. Not thread-safe. */
  public ByteStream stream() {
    return new ByteStream(sha256(("cod-wasm-random\0" + jobId).getBytes(StandardCharsets.UTF_8)));
  }

  /** SHA-256 in counter mode over a 32-byte key. */
  public static final class ByteStream {
    private final byte[] key;
    private final MessageDigest digest = newDigest();
    private final byte[] block = new byte[32];
    private long counter;
    private int used = block.length;

    private ByteStream(byte[] key) {
      this.key = key.clone();
    }

    /** Fills {@code out[offset, offset + length)} with the next bytes of the stream. */
    public void next(byte[] out, int offset, int length) {
      Objects.checkFromIndexSize(offset, length, out.length);
      int done = 0;
      while (done < length) {
        if (used == block.length) {
          digest.update(key);
          digest.update(ByteBuffer.allocate(8).putLong(counter++).array());
          System.arraycopy(digest.digest(), 0, block, 0, block.length);
          used = 0;
        }
        int n = Math.min(length - done, block.length - used);
        System.arraycopy(block, used, out, offset + done, n);
        used += n;
        done += n;
      }
    }
  }

  static byte[] sha256(byte[] data) {
    return newDigest().digest(data);
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
