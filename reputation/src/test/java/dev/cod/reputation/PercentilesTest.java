package dev.cod.reputation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercentilesTest {
  @Test
  void nearestRank() {
    Percentiles p = new Percentiles();
    assertThat(p.percentile(50)).isNull();
    for (long v = 20; v >= 1; v--) {
      p.add(v);
    }
    assertThat(p.percentile(50)).isEqualTo(10);
    assertThat(p.percentile(95)).isEqualTo(19);
    assertThat(p.percentile(100)).isEqualTo(20);
    p.add(1000);
    assertThat(p.percentile(100)).isEqualTo(1000);
  }
}
