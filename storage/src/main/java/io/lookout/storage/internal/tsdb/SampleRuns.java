package io.lookout.storage.internal.tsdb;

import java.util.Arrays;

/** Merging of sorted runs of samples. */
final class SampleRuns {
  private SampleRuns() {}

  /**
   * Merges the sorted runs {@code [runEnd[i-1], runEnd[i])} of {@code ts}/{@code vs} in place into
   * one sorted sequence, stably (on equal timestamps the earlier run comes first), keeps the first
   * sample of each timestamp and returns how many remain.
   */
  static int mergeDedup(long[] ts, double[] vs, int[] runEnd, int runs) {
    int n = runs == 0 ? 0 : runEnd[runs - 1];
    long[] tt = new long[n];
    double[] tv = new double[n];
    int[] ends = Arrays.copyOf(runEnd, runs);
    int count = runs;
    long[] srcT = ts;
    double[] srcV = vs;
    while (count > 1) {
      int out = 0;
      int w = 0;
      for (int r = 0; r < count; r += 2) {
        int lo = r == 0 ? 0 : ends[r - 1];
        int mid = ends[r];
        int hi = r + 1 < count ? ends[r + 1] : mid;
        int i = lo;
        int j = mid;
        while (i < mid && j < hi) {
          if (srcT[j] < srcT[i]) {
            tt[w] = srcT[j];
            tv[w++] = srcV[j++];
          } else {
            tt[w] = srcT[i];
            tv[w++] = srcV[i++];
          }
        }
        while (i < mid) {
          tt[w] = srcT[i];
          tv[w++] = srcV[i++];
        }
        while (j < hi) {
          tt[w] = srcT[j];
          tv[w++] = srcV[j++];
        }
        ends[out++] = hi;
      }
      count = out;
      long[] xt = srcT;
      srcT = tt;
      tt = xt;
      double[] xv = srcV;
      srcV = tv;
      tv = xv;
    }
    int w = 0;
    for (int i = 0; i < n; i++) {
      if (w == 0 || srcT[i] != ts[w - 1]) {
        ts[w] = srcT[i];
        vs[w++] = srcV[i];
      }
    }
    return w;
  }
}
