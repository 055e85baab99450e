package io.lookout.storage.internal.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SampleRunsTest {
  @Test
  void mergesAnyNumberOfSortedRunsKeepingTheFirstSampleOfEachTimestamp() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int round = 0; round < 200; round++) {
      int runs = rnd.nextInt(0, 9);
      List<long[]> ts = new ArrayList<>();
      TreeMap<Long, Double> expected = new TreeMap<>();
      int total = 0;
      int[] runEnd = new int[runs];
      for (int r = 0; r < runs; r++) {
        int n = rnd.nextInt(0, 30);
        long t = rnd.nextLong(0, 50);
        long[] run = new long[n];
        for (int i = 0; i < n; i++) {
          run[i] = t;
          expected.putIfAbsent(t, (double) (r * 1000 + i)); // earlier runs win ties
          t += rnd.nextLong(1, 6);
        }
        ts.add(run);
        total += n;
        runEnd[r] = total;
      }
      long[] t = new long[total];
      double[] v = new double[total];
      int at = 0;
      for (int r = 0; r < runs; r++) {
        for (int i = 0; i < ts.get(r).length; i++) {
          t[at] = ts.get(r)[i];
          v[at++] = r * 1000 + i;
        }
      }
      int n = SampleRuns.mergeDedup(t, v, runEnd, runs);
      assertThat(n).isEqualTo(expected.size());
      int k = 0;
      for (var e : expected.entrySet()) {
        assertThat(t[k]).isEqualTo(e.getKey());
        assertThat(v[k++]).as("value at %d", e.getKey()).isEqualTo(e.getValue());
      }
    }
  }
}
