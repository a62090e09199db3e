package dev.cod.reputation;

import java.util.Arrays;

/** Nearest-rank percentiles of a list of longs (the value at rank ceil(p/100 * n), 1-based). */
final class Percentiles {
  private long[] values = new long[16];
  private int size;
  private long[] sorted;

  synchronized void add(long v) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = v;
    sorted = null;
  }

  int size() {
    return size;
  }

  /** @return the p-th percentile (0 < p <= 100), or null with no values */
  synchronized Long percentile(double p) {
    if (size == 0) {
      return null;
    }
    if (sorted == null) {
      sorted = Arrays.copyOf(values, size);
      Arrays.sort(sorted);
    }
    int rank = (int) Math.ceil(p / 100.0 * size);
    return sorted[Math.max(0, Math.min(size, rank) - 1)];
  }
}
