package io.lookout.storage.internal.tsdb;

import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.SeriesSamples;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.lucene.util.InPlaceMergeSorter;

/** Samples of one series gathered from several chunks, then ordered and de-duplicated. */
final class SeriesData {
  final Labels labels;
  private long[] ts = new long[16];
  private double[] vs = new double[16];
  private int n;
  private boolean sorted = true;
  private final List<NativeHistogram> hists = new ArrayList<>();

  SeriesData(Labels labels) {
    this.labels = labels;
  }

  int rawCount() {
    return n + hists.size();
  }

  void add(long t, double v) {
    if (n == ts.length) {
      ts = Arrays.copyOf(ts, n * 2);
      vs = Arrays.copyOf(vs, n * 2);
    }
    if (n > 0 && t <= ts[n - 1]) {
      sorted = false;
    }
    ts[n] = t;
    vs[n++] = v;
  }

  void add(NativeHistogram h) {
    hists.add(h);
  }

  /** Sorted by time (stable: the first value seen for a timestamp wins), duplicates dropped. */
  SeriesSamples finish() {
    if (!sorted) {
      new InPlaceMergeSorter() {
        @Override
        protected int compare(int i, int j) {
          return Long.compare(ts[i], ts[j]);
        }

        @Override
        protected void swap(int i, int j) {
          long t = ts[i];
          ts[i] = ts[j];
          ts[j] = t;
          double v = vs[i];
          vs[i] = vs[j];
          vs[j] = v;
        }
      }.sort(0, n);
      int w = 0;
      for (int i = 0; i < n; i++) {
        if (w == 0 || ts[i] != ts[w - 1]) {
          ts[w] = ts[i];
          vs[w++] = vs[i];
        }
      }
      n = w;
    }
    List<NativeHistogram> hs = hists;
    if (hs.size() > 1) {
      hs = new ArrayList<>(hists);
      hs.sort(Comparator.comparingLong(NativeHistogram::timestampMillis));
      List<NativeHistogram> dedup = new ArrayList<>(hs.size());
      for (NativeHistogram h : hs) {
        if (dedup.isEmpty() || dedup.get(dedup.size() - 1).timestampMillis() != h.timestampMillis()) {
          dedup.add(h);
        }
      }
      hs = dedup;
    }
    return new SeriesSamples(labels, Arrays.copyOf(ts, n), Arrays.copyOf(vs, n), hs);
  }
}
