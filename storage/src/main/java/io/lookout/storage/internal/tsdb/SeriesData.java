package io.lookout.storage.internal.tsdb;

import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.SeriesSamples;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The data of one series for a select, gathered from the head and the partitions as encoded float
 * chunks (not decoded yet), loose samples (the head's out-of-order ones) and histograms. {@link
 * #finish} decodes each chunk once, straight into result arrays of the exact size, when the chunks
 * do not overlap in time (the common case); only genuine overlaps (out-of-order data) go through a
 * merge that drops duplicate timestamps.
 *
 * <p>The head's chunks are registered by their first timestamp, so that a partition's copy of a
 * head chunk (persisted at a commit while the head keeps it for the out-of-order window) is
 * recognised from its doc values: see {@link #wantsPartitionChunk}.
 */
final class SeriesData {
  final Labels labels;
  private final long minT;
  private final long maxT;
  private Chunk[] chunks = new Chunk[8];
  private int nc;
  private long rawCount;
  /** Chunks replaced by their partition copies. */
  private int nulls;
  /**
   * First and last timestamps of the head's chunks (ascending), to recognise their copies, and
   * each one's index in {@code chunks} (-1 for histogram chunks).
   */
  private long[] headMin = new long[4];
  private long[] headMax = new long[4];
  private int[] headChunk = new int[4];
  private int nh;
  private long[] looseT;
  private double[] looseV;
  private int nl;
  private List<NativeHistogram> hists;
  private boolean histsSorted = true;

  /** An encoded float chunk: bytes, time range and sample count from the header. */
  private record Chunk(byte[] b, int off, int len, long minT, long maxT, int count) {}

  /** Data of a series for a select of {@code [minT, maxT]}. */
  SeriesData(Labels labels, long minT, long maxT) {
    this.labels = labels;
    this.minT = minT;
    this.maxT = maxT;
  }

  /**
   * Samples gathered so far that are in the range, not counting chunks that straddle its ends,
   * before de-duplication.
   */
  long rawCount() {
    return rawCount;
  }

  boolean isEmpty() {
    return nc == nulls && nl == 0 && (hists == null || hists.isEmpty());
  }

  /** Adds a float chunk of the head (call in ascending time order); its bytes are a private copy. */
  void headFloatChunk(byte[] b, long minT, long maxT) {
    registerHead(minT, maxT, nc);
    floatChunk(b, 0, b.length, minT, maxT);
  }

  /** Registers a histogram chunk of the head (call in ascending time order); add its histograms. */
  void headHistogramChunk(long minT, long maxT) {
    registerHead(minT, maxT, -1);
  }

  private void registerHead(long minT, long maxT, int chunk) {
    if (nh == headMin.length) {
      headMin = Arrays.copyOf(headMin, nh * 2);
      headMax = Arrays.copyOf(headMax, nh * 2);
      headChunk = Arrays.copyOf(headChunk, nh * 2);
    }
    headMin[nh] = minT;
    headMax[nh] = maxT;
    headChunk[nh++] = chunk;
  }

  /**
   * Whether to read a partition's chunk spanning {@code [minT, maxT]}. A chunk starting at the
   * first sample of a head chunk is a copy of it, persisted at a commit while the head keeps it for
   * the out-of-order window (in-order chunks of a series never share a first timestamp, and an
   * out-of-order chunk never starts at a timestamp a head chunk holds: such a sample is refused as a
   * duplicate). The copy is read instead of the head's float chunk when it holds all of it (packed
   * chunks decode faster), else skipped; any other chunk is read.
   */
  boolean wantsPartitionChunk(long minT, long maxT) {
    if (nh == 0) {
      return true;
    }
    int i = Arrays.binarySearch(headMin, 0, nh, minT);
    if (i < 0) {
      return true;
    }
    if (maxT < headMax[i]) {
      return false; // a snapshot of the head's open chunk, which has grown since
    }
    int c = headChunk[i];
    if (c < 0) {
      return false; // histograms: the head's are already gathered
    }
    Chunk dropped = chunks[c];
    if (dropped != null) {
      chunks[c] = null;
      nulls++;
      if (dropped.minT >= this.minT && dropped.maxT <= this.maxT) {
        rawCount -= dropped.count;
      }
    }
    return true;
  }

  /** Adds an encoded float chunk; the bytes must stay unchanged until {@link #finish}. */
  void floatChunk(byte[] b, int off, int len, long minT, long maxT) {
    int count = FloatChunks.count(b, off, len);
    if (nc == chunks.length) {
      chunks = Arrays.copyOf(chunks, nc * 2);
    }
    chunks[nc++] = new Chunk(b, off, len, minT, maxT, count);
    if (minT >= this.minT && maxT <= this.maxT) {
      rawCount += count;
    }
  }

  void add(long t, double v) {
    if (looseT == null) {
      looseT = new long[8];
      looseV = new double[8];
    } else if (nl == looseT.length) {
      looseT = Arrays.copyOf(looseT, nl * 2);
      looseV = Arrays.copyOf(looseV, nl * 2);
    }
    looseT[nl] = t;
    looseV[nl++] = v;
    if (t >= minT && t <= maxT) {
      rawCount++;
    }
  }

  void add(NativeHistogram h) {
    if (hists == null) {
      hists = new ArrayList<>();
    } else if (histsSorted && h.timestampMillis() <= hists.get(hists.size() - 1).timestampMillis()) {
      histsSorted = false;
    }
    hists.add(h);
    if (h.timestampMillis() >= minT && h.timestampMillis() <= maxT) {
      rawCount++;
    }
  }

  /** At least as many as the float samples {@link #finish} returns. */
  private long floatCountUpperBound() {
    long n = nl;
    for (int i = 0; i < nc; i++) {
      n += chunks[i].count;
    }
    return n;
  }

  /**
   * Decodes into a series sorted by time with one sample per timestamp (the first gathered wins),
   * keeping only the select's range.
   */
  SeriesSamples finish(Scratch scratch) {
    if (nulls > 0) {
      int w = 0;
      for (int i = 0; i < nc; i++) {
        if (chunks[i] != null) {
          chunks[w++] = chunks[i];
        }
      }
      nc = w;
      nulls = 0;
    }
    sortChunks();
    boolean disjoint = nl == 0;
    for (int i = 1; i < nc && disjoint; i++) {
      disjoint = chunks[i].minT > chunks[i - 1].maxT;
    }
    return disjoint ? disjoint(scratch) : merged(scratch);
  }

  private void sortChunks() {
    for (int i = 1; i < nc; i++) {
      if (chunks[i].minT < chunks[i - 1].minT) {
        // stable: among chunks starting together, the one gathered first stays first
        Arrays.sort(chunks, 0, nc, Comparator.comparingLong(Chunk::minT));
        return;
      }
    }
  }

  /** Chunks in time order without overlap: decode each into its place in exactly sized arrays. */
  private SeriesSamples disjoint(Scratch scratch) {
    // chunks straddling minT or maxT (at most one at each end) are decoded aside first to count them
    int total = 0;
    long[][] edgeT = null;
    double[][] edgeV = null;
    int[] edgeFrom = null;
    int[] edgeTo = null;
    for (int i = 0; i < nc; i++) {
      Chunk c = chunks[i];
      if (c.minT >= minT && c.maxT <= maxT) {
        total += c.count;
        continue;
      }
      if (edgeT == null) {
        edgeT = new long[nc][];
        edgeV = new double[nc][];
        edgeFrom = new int[nc];
        edgeTo = new int[nc];
      }
      long[] ts = new long[c.count];
      double[] vs = new double[c.count];
      int n = FloatChunks.decode(c.b, c.off, c.len, ts, vs, 0, scratch.longs(c.count));
      int from = 0;
      while (from < n && ts[from] < minT) {
        from++;
      }
      int to = n;
      while (to > from && ts[to - 1] > maxT) {
        to--;
      }
      edgeT[i] = ts;
      edgeV[i] = vs;
      edgeFrom[i] = from;
      edgeTo[i] = to;
      total += to - from;
    }
    long[] ts = new long[total];
    double[] vs = new double[total];
    int at = 0;
    for (int i = 0; i < nc; i++) {
      Chunk c = chunks[i];
      if (edgeT != null && edgeT[i] != null) {
        int k = edgeTo[i] - edgeFrom[i];
        System.arraycopy(edgeT[i], edgeFrom[i], ts, at, k);
        System.arraycopy(edgeV[i], edgeFrom[i], vs, at, k);
        at += k;
      } else {
        int n = FloatChunks.decode(c.b, c.off, c.len, ts, vs, at, scratch.longs(c.count));
        if (n != c.count) {
          throw new IllegalStateException("float chunk decoded " + n + " samples, its header says " + c.count);
        }
        at += n;
      }
    }
    return new SeriesSamples(labels, ts, vs, histograms());
  }

  /** Overlapping chunks or loose samples: decode all, keep the range, merge the sorted runs. */
  private SeriesSamples merged(Scratch scratch) {
    long bound = floatCountUpperBound();
    if (bound > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("too many samples in one series: " + bound);
    }
    long[] ts = new long[(int) bound];
    double[] vs = new double[(int) bound];
    // run boundaries: each chunk and the loose samples are sorted runs
    int[] runEnd = new int[nc + 1];
    int runs = 0;
    int at = 0;
    for (int i = 0; i < nc; i++) {
      Chunk c = chunks[i];
      int n = FloatChunks.decode(c.b, c.off, c.len, ts, vs, at, scratch.longs(c.count));
      at = keepRange(ts, vs, at, at + n, minT, maxT);
      runEnd[runs++] = at;
    }
    if (nl > 0) {
      // the head's out-of-order samples come from a sorted map: one more run
      System.arraycopy(looseT, 0, ts, at, nl);
      System.arraycopy(looseV, 0, vs, at, nl);
      at = keepRange(ts, vs, at, at + nl, minT, maxT);
      runEnd[runs++] = at;
    }
    int n = SampleRuns.mergeDedup(ts, vs, runEnd, runs);
    return new SeriesSamples(labels, Arrays.copyOf(ts, n), Arrays.copyOf(vs, n), histograms());
  }

  /** Moves the samples of {@code [from, to)} within the range to {@code from..}; returns the new end. */
  private static int keepRange(long[] ts, double[] vs, int from, int to, long minT, long maxT) {
    int w = from;
    for (int i = from; i < to; i++) {
      if (ts[i] >= minT && ts[i] <= maxT) {
        ts[w] = ts[i];
        vs[w++] = vs[i];
      }
    }
    return w;
  }

  private List<NativeHistogram> histograms() {
    if (hists == null || hists.isEmpty()) {
      return List.of();
    }
    List<NativeHistogram> hs = hists;
    if (!histsSorted) {
      hs = new ArrayList<>(hists);
      hs.sort(Comparator.comparingLong(NativeHistogram::timestampMillis));
    }
    List<NativeHistogram> out = new ArrayList<>(hs.size());
    for (NativeHistogram h : hs) {
      long t = h.timestampMillis();
      if (t >= minT && t <= maxT && (out.isEmpty() || out.get(out.size() - 1).timestampMillis() != t)) {
        out.add(h);
      }
    }
    return out;
  }

  /** Per-select reusable scratch space. */
  static final class Scratch {
    private long[] longs = new long[256];

    long[] longs(int n) {
      if (longs.length < n) {
        longs = new long[Math.max(n, longs.length * 2)];
      }
      return longs;
    }
  }
}
