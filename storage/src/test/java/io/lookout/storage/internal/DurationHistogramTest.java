package io.lookout.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DurationHistogramTest {
  @Test
  void bucketMiddleIsWithinTheRelativeErrorOfEveryValueItHolds() {
    Random rnd = new Random(1);
    for (int i = 0; i < 200_000; i++) {
      long v = i < 1000 ? i : (rnd.nextLong() >>> 1) >>> rnd.nextInt(63);
      double mid = DurationHistogram.valueOf(DurationHistogram.indexOf(v));
      assertThat(Math.abs(mid - v)).as("value %d", v).isLessThanOrEqualTo(v * DurationHistogram.RELATIVE_ERROR);
    }
    assertThat(DurationHistogram.indexOf(Long.MAX_VALUE)).isLessThan(64 * 64);
  }

  @Test
  void indexGrowsWithTheValue() {
    int prev = -1;
    for (long v = 0; v < 1 << 20; v += 7) {
      int i = DurationHistogram.indexOf(v);
      assertThat(i).isGreaterThanOrEqualTo(prev);
      prev = i;
    }
  }

  @Test
  void quantilesMatchNearestRankWithinTheError() {
    Random rnd = new Random(2);
    long[] values = new long[10_001];
    DurationHistogram h = new DurationHistogram();
    for (int i = 0; i < values.length; i++) {
      // log-uniform from 1 µs to ~1000 s, added in random order so the store grows both ways
      values[i] = (long) Math.pow(10, 3 + rnd.nextDouble() * 9);
      h.add(values[i]);
    }
    Arrays.sort(values);
    assertThat(h.count()).isEqualTo(values.length);
    for (double q : new double[] {0, 0.01, 0.5, 0.9, 0.99, 0.999, 1}) {
      long exact = values[(int) Math.max(0, Math.ceil(q * values.length) - 1)];
      assertThat(h.quantile(q)).as("q=%s", q).isCloseTo(exact, within(exact * DurationHistogram.RELATIVE_ERROR));
    }
    assertThat(new DurationHistogram().quantile(0.5)).isNaN();
  }
}
