package io.lookout.query.promql.eval;

import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SeriesSamples;
import java.util.List;

/**
 * The loaded samples of one series: as stored (with staleness markers, for instant lookups) and
 * without staleness markers (for range vectors). Native histogram samples are kept apart the same
 * way: {@code hts}/{@code hs} as stored (a staleness marker is a null histogram), {@code fhts}/{@code fhs}
 * without staleness markers.
 */
record SeriesData(Labels labels, long[] ts, double[] vs, long[] fts, double[] fvs, long[] hts, FloatHistogram[] hs,
    long[] fhts, FloatHistogram[] fhs) {
  private static final long[] NO_TIMES = new long[0];
  private static final FloatHistogram[] NO_HISTOGRAMS = new FloatHistogram[0];

  SeriesData(Labels labels, long[] ts, double[] vs, long[] fts, double[] fvs) {
    this(labels, ts, vs, fts, fvs, NO_TIMES, NO_HISTOGRAMS, NO_TIMES, NO_HISTOGRAMS);
  }

  boolean hasHistograms() {
    return fhs.length > 0;
  }

  static SeriesData of(SeriesSamples s) {
    SeriesData floats = ofFloats(s);
    List<NativeHistogram> nh = s.histograms();
    if (nh.isEmpty()) {
      return floats;
    }
    long[] hts = new long[nh.size()];
    FloatHistogram[] hs = new FloatHistogram[nh.size()];
    int n = 0;
    for (int i = 0; i < hs.length; i++) {
      NativeHistogram h = nh.get(i);
      hts[i] = h.timestampMillis();
      if (!h.isStale()) {
        hs[i] = FloatHistogram.of(h);
        n++;
      }
    }
    long[] fhts = new long[n];
    FloatHistogram[] fhs = new FloatHistogram[n];
    int j = 0;
    for (int i = 0; i < hs.length; i++) {
      if (hs[i] != null) {
        fhts[j] = hts[i];
        fhs[j++] = hs[i];
      }
    }
    return new SeriesData(s.labels(), floats.ts, floats.vs, floats.fts, floats.fvs, hts, hs, fhts, fhs);
  }

  private static SeriesData ofFloats(SeriesSamples s) {
    long[] ts = s.timestamps();
    double[] vs = s.values();
    int n = 0;
    for (double v : vs) {
      if (!Sample.isStaleNaN(v)) {
        n++;
      }
    }
    if (n == vs.length) {
      return new SeriesData(s.labels(), ts, vs, ts, vs);
    }
    long[] fts = new long[n];
    double[] fvs = new double[n];
    int j = 0;
    for (int i = 0; i < vs.length; i++) {
      if (!Sample.isStaleNaN(vs[i])) {
        fts[j] = ts[i];
        fvs[j++] = vs[i];
      }
    }
    return new SeriesData(s.labels(), ts, vs, fts, fvs);
  }

  /** Index of the last timestamp at or before {@code t} in {@code a}, or -1. */
  static int lastAtOrBefore(long[] a, long t) {
    int lo = 0;
    int hi = a.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] <= t) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Index of the first timestamp after {@code t} (or at it when {@code inclusive}) in {@code a}. */
  static int firstAfter(long[] a, long t, boolean inclusive) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (inclusive ? a[mid] < t : a[mid] <= t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
