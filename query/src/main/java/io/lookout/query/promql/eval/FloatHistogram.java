package io.lookout.query.promql.eval;

import io.lookout.model.metrics.NativeHistogram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * An exponential (native) histogram value during and after PromQL evaluation, immutable. Buckets
 * are kept as sorted bucket indices with their counts per side (negative buckets by index of
 * {@code |x|}), as in Prometheus's {@code FloatHistogram}.
 */
public final class FloatHistogram {
  private final int schema;
  private final double zeroThreshold;
  private final double zeroCount;
  private final double count;
  private final double sum;
  private final int[] posIdx;
  private final double[] posCnt;
  private final int[] negIdx;
  private final double[] negCnt;
  private final NativeHistogram.ResetHint hint;

  /** One bucket as the Prometheus API shows it; {@code boundaryRule} 0 (l,u], 1 [l,u), 3 [l,u]. */
  public record Bucket(int boundaryRule, double lower, double upper, double count) {}

  FloatHistogram(int schema, double zeroThreshold, double zeroCount, double count, double sum, int[] posIdx,
      double[] posCnt, int[] negIdx, double[] negCnt, NativeHistogram.ResetHint hint) {
    this.schema = schema;
    this.zeroThreshold = zeroThreshold;
    this.zeroCount = zeroCount;
    this.count = count;
    this.sum = sum;
    this.posIdx = posIdx;
    this.posCnt = posCnt;
    this.negIdx = negIdx;
    this.negCnt = negCnt;
    this.hint = hint;
  }

  /** The histogram of a stored sample; 422 for schemas the evaluator does not know. */
  static FloatHistogram of(NativeHistogram h) {
    if (h.schema() < NativeHistogram.MIN_SCHEMA || h.schema() > NativeHistogram.MAX_SCHEMA) {
      throw Evaluator.execution("native histogram schema " + h.schema() + " is not supported: schemas "
          + NativeHistogram.MIN_SCHEMA + " to " + NativeHistogram.MAX_SCHEMA + " (exponential buckets) are");
    }
    int[] pi = new int[h.positiveBucketCount()];
    double[] pc = new double[pi.length];
    int[] k = {0};
    h.forEachPositive((i, c) -> {
      pi[k[0]] = i;
      pc[k[0]++] = c;
    });
    int[] ni = new int[h.negativeBucketCount()];
    double[] nc = new double[ni.length];
    k[0] = 0;
    h.forEachNegative((i, c) -> {
      ni[k[0]] = i;
      nc[k[0]++] = c;
    });
    return new FloatHistogram(h.schema(), h.zeroThreshold(), h.zeroCount(), h.count(), h.sum(), pi, pc, ni, nc,
        h.resetHint());
  }

  public int schema() {
    return schema;
  }

  public double zeroThreshold() {
    return zeroThreshold;
  }

  public double zeroCount() {
    return zeroCount;
  }

  public double count() {
    return count;
  }

  public double sum() {
    return sum;
  }

  NativeHistogram.ResetHint hint() {
    return hint;
  }

  boolean hasPositiveBuckets() {
    return posIdx.length > 0;
  }

  boolean hasNegativeBuckets() {
    return negIdx.length > 0;
  }

  /** Upper bound of bucket {@code idx} of {@code schema} for positive values: {@code 2^(idx * 2^-schema)}. */
  static double bound(int idx, int schema) {
    if (schema <= 0) {
      long exp = (long) idx << -schema;
      if (exp > 1024) {
        return Double.POSITIVE_INFINITY;
      }
      if (exp == 1024) {
        return Double.MAX_VALUE;
      }
      if (exp < -1074) {
        return 0;
      }
      return Math.scalb(1.0, (int) exp);
    }
    int perOctave = 1 << schema;
    int frac = idx & (perOctave - 1);
    int exp = (idx >> schema) + 1;
    if (frac == 0 && exp == 1025) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.scalb(Math.pow(2, frac / (double) perOctave) / 2, exp);
  }

  /**
   * Every bucket in ascending order of values: negative buckets, the zero bucket (when its count is
   * positive), positive buckets; other buckets with a zero count only when {@code withEmpty}.
   */
  public List<Bucket> buckets(boolean withEmpty) {
    List<Bucket> out = new ArrayList<>(posIdx.length + negIdx.length + 1);
    for (int i = negIdx.length - 1; i >= 0; i--) {
      if (negCnt[i] == 0 && !withEmpty) {
        continue;
      }
      double upper = -bound(negIdx[i] - 1, schema);
      if (upper < 0 && upper > -zeroThreshold) {
        upper = -zeroThreshold;
      }
      out.add(new Bucket(1, -bound(negIdx[i], schema), upper, negCnt[i]));
    }
    if (zeroCount > 0) {
      out.add(new Bucket(3, -zeroThreshold, zeroThreshold, zeroCount));
    }
    for (int i = 0; i < posIdx.length; i++) {
      if (posCnt[i] == 0 && !withEmpty) {
        continue;
      }
      double lower = bound(posIdx[i] - 1, schema);
      if (lower > 0 && lower < zeroThreshold) {
        lower = zeroThreshold;
      }
      out.add(new Bucket(0, lower, bound(posIdx[i], schema), posCnt[i]));
    }
    return out;
  }

  /** This histogram with every count and the sum multiplied by {@code f}. */
  FloatHistogram mul(double f) {
    double[] pc = posCnt.clone();
    double[] nc = negCnt.clone();
    for (int i = 0; i < pc.length; i++) {
      pc[i] *= f;
    }
    for (int i = 0; i < nc.length; i++) {
      nc[i] *= f;
    }
    return new FloatHistogram(schema, zeroThreshold, zeroCount * f, count * f, sum * f, posIdx, pc, negIdx, nc,
        hint);
  }

  /** This histogram with every count and the sum divided by {@code d}. */
  FloatHistogram div(double d) {
    double[] pc = posCnt.clone();
    double[] nc = negCnt.clone();
    for (int i = 0; i < pc.length; i++) {
      pc[i] /= d;
    }
    for (int i = 0; i < nc.length; i++) {
      nc[i] /= d;
    }
    return new FloatHistogram(schema, zeroThreshold, zeroCount / d, count / d, sum / d, posIdx, pc, negIdx, nc,
        hint);
  }

  /** This histogram at a resolution no finer than {@code target} (merging buckets). */
  FloatHistogram reduce(int target) {
    if (target >= schema) {
      return this;
    }
    int shift = schema - target;
    TreeMap<Integer, Double> pos = new TreeMap<>();
    for (int i = 0; i < posIdx.length; i++) {
      pos.merge(((posIdx[i] - 1) >> shift) + 1, posCnt[i], Double::sum);
    }
    TreeMap<Integer, Double> neg = new TreeMap<>();
    for (int i = 0; i < negIdx.length; i++) {
      neg.merge(((negIdx[i] - 1) >> shift) + 1, negCnt[i], Double::sum);
    }
    return build(target, zeroThreshold, zeroCount, count, sum, pos, neg, hint);
  }

  /**
   * This histogram with a zero bucket of at least {@code threshold}: buckets below it join the
   * zero bucket; when the threshold falls inside a populated bucket it grows to that bucket's top.
   */
  FloatHistogram widenZero(double threshold) {
    if (threshold <= zeroThreshold) {
      return this;
    }
    double thr = threshold;
    while (true) {
      double next = thr;
      next = Math.max(next, straddled(posIdx, posCnt, next));
      next = Math.max(next, straddled(negIdx, negCnt, next));
      if (next == thr) {
        break;
      }
      thr = next;
    }
    double zc = zeroCount;
    TreeMap<Integer, Double> pos = new TreeMap<>();
    for (int i = 0; i < posIdx.length; i++) {
      if (bound(posIdx[i] - 1, schema) < thr) {
        zc += posCnt[i];
      } else {
        pos.put(posIdx[i], posCnt[i]);
      }
    }
    TreeMap<Integer, Double> neg = new TreeMap<>();
    for (int i = 0; i < negIdx.length; i++) {
      if (bound(negIdx[i] - 1, schema) < thr) {
        zc += negCnt[i];
      } else {
        neg.put(negIdx[i], negCnt[i]);
      }
    }
    return build(schema, thr, zc, count, sum, pos, neg, hint);
  }

  /** The upper bound of a populated bucket that {@code thr} falls strictly inside, else {@code thr}. */
  private double straddled(int[] idx, double[] cnt, double thr) {
    for (int i = 0; i < idx.length; i++) {
      double lower = bound(idx[i] - 1, schema);
      double upper = bound(idx[i], schema);
      if (lower < thr && upper > thr && cnt[i] != 0) {
        return upper;
      }
    }
    return thr;
  }

  /** The sum of two histograms at the coarser schema and the wider zero bucket. */
  FloatHistogram add(FloatHistogram o) {
    int s = Math.min(schema, o.schema);
    double zt = Math.max(zeroThreshold, o.zeroThreshold);
    FloatHistogram a = widenZero(zt);
    FloatHistogram b = o.widenZero(zt);
    while (a.zeroThreshold != b.zeroThreshold) {
      // a threshold ended inside a populated bucket and grew: widen the other one to match
      zt = Math.max(a.zeroThreshold, b.zeroThreshold);
      a = a.widenZero(zt);
      b = b.widenZero(zt);
    }
    zt = a.zeroThreshold;
    a = a.reduce(s);
    b = b.reduce(s);
    TreeMap<Integer, Double> pos = new TreeMap<>();
    TreeMap<Integer, Double> neg = new TreeMap<>();
    for (FloatHistogram h : List.of(a, b)) {
      for (int i = 0; i < h.posIdx.length; i++) {
        pos.merge(h.posIdx[i], h.posCnt[i], Double::sum);
      }
      for (int i = 0; i < h.negIdx.length; i++) {
        neg.merge(h.negIdx[i], h.negCnt[i], Double::sum);
      }
    }
    return build(s, zt, a.zeroCount + b.zeroCount, a.count + b.count, a.sum + b.sum, pos, neg, hint);
  }

  FloatHistogram sub(FloatHistogram o) {
    return add(o.mul(-1));
  }

  /** This histogram without buckets whose count is zero. */
  FloatHistogram compact() {
    TreeMap<Integer, Double> pos = new TreeMap<>();
    for (int i = 0; i < posIdx.length; i++) {
      if (posCnt[i] != 0) {
        pos.put(posIdx[i], posCnt[i]);
      }
    }
    TreeMap<Integer, Double> neg = new TreeMap<>();
    for (int i = 0; i < negIdx.length; i++) {
      if (negCnt[i] != 0) {
        neg.put(negIdx[i], negCnt[i]);
      }
    }
    return build(schema, zeroThreshold, zeroCount, count, sum, pos, neg, hint);
  }

  FloatHistogram withHint(NativeHistogram.ResetHint h) {
    return new FloatHistogram(schema, zeroThreshold, zeroCount, count, sum, posIdx, posCnt, negIdx, negCnt, h);
  }

  /** Prometheus's {@code DetectReset}: whether this sample follows a counter reset after {@code prev}. */
  boolean detectReset(FloatHistogram prev) {
    if (hint == NativeHistogram.ResetHint.YES) {
      return true;
    }
    if (hint == NativeHistogram.ResetHint.NO) {
      return false;
    }
    if (count < prev.count || schema > prev.schema || zeroThreshold < prev.zeroThreshold) {
      return true;
    }
    FloatHistogram p = prev.widenZero(zeroThreshold);
    if (p.zeroThreshold != zeroThreshold || zeroCount < p.zeroCount) {
      // the new zero bucket ends inside a populated bucket of prev, or holds fewer observations
      return true;
    }
    p = p.reduce(schema);
    return decreased(p.posIdx, p.posCnt, posIdx, posCnt) || decreased(p.negIdx, p.negCnt, negIdx, negCnt);
  }

  /**
   * Whether any bucket of {@code prev} above the zero bucket has more than the same bucket of
   * this histogram.
   */
  private boolean decreased(int[] prevIdx, double[] prevCnt, int[] curIdx, double[] curCnt) {
    for (int i = 0; i < prevIdx.length; i++) {
      if (prevCnt[i] == 0 || bound(prevIdx[i], schema) <= zeroThreshold) {
        continue;
      }
      int j = Arrays.binarySearch(curIdx, prevIdx[i]);
      double cur = j >= 0 ? curCnt[j] : 0;
      if (cur < prevCnt[i]) {
        return true;
      }
    }
    return false;
  }

  private static FloatHistogram build(int schema, double zt, double zc, double count, double sum,
      TreeMap<Integer, Double> pos, TreeMap<Integer, Double> neg, NativeHistogram.ResetHint hint) {
    int[] pi = new int[pos.size()];
    double[] pc = new double[pos.size()];
    int k = 0;
    for (var e : pos.entrySet()) {
      pi[k] = e.getKey();
      pc[k++] = e.getValue();
    }
    int[] ni = new int[neg.size()];
    double[] nc = new double[neg.size()];
    k = 0;
    for (var e : neg.entrySet()) {
      ni[k] = e.getKey();
      nc[k++] = e.getValue();
    }
    return new FloatHistogram(schema, zt, zc, count, sum, pi, pc, ni, nc, hint);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatHistogram h && h.schema == schema && Double.compare(h.zeroThreshold, zeroThreshold) == 0
        && Double.compare(h.zeroCount, zeroCount) == 0 && Double.compare(h.count, count) == 0
        && Double.compare(h.sum, sum) == 0 && Arrays.equals(h.posIdx, posIdx) && Arrays.equals(h.posCnt, posCnt)
        && Arrays.equals(h.negIdx, negIdx) && Arrays.equals(h.negCnt, negCnt);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new double[] {schema, count, sum}) * 31 + Arrays.hashCode(posCnt);
  }

  @Override
  public String toString() {
    return "{count:" + Format.value(count) + ", sum:" + Format.value(sum) + ", buckets:" + buckets(false) + "}";
  }
}
