package dev.cod.cid;

import java.util.SplittableRandom;

/**
 * Benchmark (a command, not a test): the commP throughput of {@link PieceCommitment.Hasher} on a
 * 256 MiB stream of pseudo-random bytes written in 1 MiB writes, after one 64 MiB warm-up run.
 * Prints MB/s (10^6 bytes per second) of payload for each of {@code RUNS} runs and the best.
 *
 * <p>Run after {@code mvn -o test-compile -pl chain-adapter}:
 *
 * <pre>
 * mvn -B -q -o exec:java -pl chain-adapter -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.cod.cid.PieceCommitmentBenchmark [-Dexec.args="MiB RUNS"]
 * </pre>
 *
 * Usage: {@code PieceCommitmentBenchmark [MiB [RUNS]]} (defaults: 256 3).
 */
public final class PieceCommitmentBenchmark {
  private static final int WRITE = 1 << 20;

  private PieceCommitmentBenchmark() {}

  public static void main(String[] args) {
    long mib = args.length > 0 ? Long.parseLong(args[0]) : 256;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    byte[] buffer = new byte[WRITE];
    new SplittableRandom(42).nextBytes(buffer);

    run(buffer, 64);
    double best = 0;
    PieceCommitment last = null;
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      last = run(buffer, mib);
      double seconds = (System.nanoTime() - start) / 1e9;
      double mbPerSecond = mib * WRITE / 1e6 / seconds;
      best = Math.max(best, mbPerSecond);
      System.out.printf("run %d: %d MiB in %.2f s = %.1f MB/s%n", i + 1, mib, seconds, mbPerSecond);
    }
    System.out.printf("best: %.1f MB/s (%s)%n", best, last);
  }

  private static PieceCommitment run(byte[] buffer, long mib) {
    PieceCommitment.Hasher hasher = PieceCommitment.hasher();
    for (long i = 0; i < mib; i++) {
      buffer[0] = (byte) i; // every MiB differs a little, so no two subtrees are equal
      hasher.write(buffer, 0, buffer.length);
    }
    return hasher.finish();
  }
}
