package io.lookout.storage.internal.tsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.metrics.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PackedChunkTest {
  private static final long T0 = 1_795_700_000_000L;

  private static List<long[]> roundTrip(byte[] b) {
    List<long[]> out = new ArrayList<>();
    PackedChunk.decodeFloats(b, 0, b.length, (t, v) -> out.add(new long[] {t, Double.doubleToRawLongBits(v)}));
    return out;
  }

  /** Encodes, decodes and checks every timestamp and value bit for bit; returns the bytes. */
  private static byte[] check(long[] ts, double[] vs) {
    byte[] b = PackedChunk.encode(ts, vs, ts.length);
    List<long[]> back = roundTrip(b);
    assertThat(back).hasSize(ts.length);
    for (int i = 0; i < ts.length; i++) {
      assertThat(back.get(i)[0]).as("timestamp %d", i).isEqualTo(ts[i]);
      assertThat(back.get(i)[1]).as("value bits %d (%s)", i, vs[i]).isEqualTo(Double.doubleToRawLongBits(vs[i]));
    }
    return b;
  }

  private static long[] regular(int n, long step) {
    long[] ts = new long[n];
    for (int i = 0; i < n; i++) {
      ts[i] = T0 + i * step;
    }
    return ts;
  }

  @Test
  void counterOfCentisecondsPacksToAFewBitsPerSample() {
    SplittableRandom rnd = new SplittableRandom(7);
    double[] vs = new double[120];
    long ticks = 123_456_789;
    for (int i = 0; i < vs.length; i++) {
      ticks += 55 + rnd.nextInt(11);
      vs[i] = ticks / 100.0;
    }
    byte[] b = check(regular(120, 1000), vs);
    assertThat(b[0]).isEqualTo(PackedChunk.TYPE);
    assertThat(b.length).isLessThan(120 / 2 + 32); // about 4 bits per sample and a header
  }

  @Test
  void constantSeriesWithRegularTimestampsTakesOnlyAHeader() {
    double[] vs = new double[120];
    java.util.Arrays.fill(vs, 1e9);
    byte[] b = check(regular(120, 15_000), vs);
    assertThat(b[0]).isEqualTo(PackedChunk.TYPE);
    assertThat(b.length).isLessThan(32);
  }

  @Test
  void missedScrapeAndJitterAreExceptionsNotWiderPacking() {
    long[] ts = regular(120, 1000);
    for (int i = 60; i < ts.length; i++) {
      ts[i] += 9000; // a gap of ten intervals
    }
    ts[30] += 3; // jitter
    double[] vs = new double[120];
    for (int i = 0; i < vs.length; i++) {
      vs[i] = 1000 + i;
    }
    vs[90] = 5_000_000; // a spike
    byte[] b = check(ts, vs);
    assertThat(b.length).isLessThan(48);
  }

  @Test
  void nanStalenessMarkersInfinitiesAndNegativeZeroKeepTheGorillaEncoding() {
    long[] ts = regular(6, 1000);
    double[] vs = {1, Double.NaN, Sample.STALE_NAN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0};
    byte[] b = check(ts, vs);
    assertThat(b[0]).isEqualTo(XorChunk.TYPE);
    for (double v : new double[] {Double.NaN, Sample.STALE_NAN, -0.0}) {
      assertThat(PackedChunk.tryPack(regular(2, 1000), new double[] {1, v}, 2)).as("%s", v).isNull();
    }
    assertThat(roundTrip(b).get(2)[1]).isEqualTo(Sample.STALE_NAN_BITS);
  }

  @Test
  void binaryFractionsThatAreNoShortDecimalsKeepTheGorillaEncoding() {
    SplittableRandom rnd = new SplittableRandom(3);
    double[] vs = new double[120];
    for (int i = 0; i < vs.length; i++) {
      vs[i] = rnd.nextDouble() * 1000;
    }
    assertThat(check(regular(120, 1000), vs)[0]).isEqualTo(XorChunk.TYPE);
  }

  @Test
  void decimalsOfDifferentScalesNegativesAndLargeIntegersRoundTrip() {
    double[] vs = {0.1, -2.5, 3, 0.001, 1e15, -9_007_199_254_740_992.0, 123.456, 0, 0.3, 7e-15};
    check(regular(vs.length, 1000), vs);
    double[] big = {9_007_199_254_740_992.0, 9_007_199_254_740_991.0, -9_007_199_254_740_991.0, 1e300};
    check(regular(big.length, 1000), big);
    double[] mixed = {0.1 + 0.2, 1.5}; // 0.30000000000000004 has no short decimal form
    check(regular(2, 1000), mixed);
  }

  @Test
  void oneAndTwoSamplesIrregularNegativeAndExtremeTimestampsRoundTrip() {
    check(new long[] {T0}, new double[] {42});
    check(new long[] {T0, T0 + 1}, new double[] {42, 43.5});
    check(new long[] {-5000, -10, 0, 7, 1_000_000}, new double[] {1, 2, 3, 4, 5});
    check(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, new double[] {1, 2, 3}); // differences overflow
    check(new long[0], new double[0]);
  }

  @Test
  void randomDecimalSeriesRoundTrip() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int round = 0; round < 300; round++) {
      int n = 1 + rnd.nextInt(300);
      long[] ts = new long[n];
      double[] vs = new double[n];
      long t = rnd.nextLong(1L << 42);
      long m = rnd.nextLong(1L << 40) - (1L << 39);
      int scale = rnd.nextInt(6);
      for (int i = 0; i < n; i++) {
        t += rnd.nextInt(10) == 0 ? rnd.nextLong(100_000) : 1000;
        m += rnd.nextInt(4) == 0 ? rnd.nextLong(1L << 30) - (1L << 29) : rnd.nextInt(100);
        ts[i] = t;
        vs[i] = m / Math.pow(10, scale);
      }
      check(ts, vs);
    }
  }

  @Test
  void headChunkPersistsPackedAndReadsBack() {
    XorChunk x = new XorChunk();
    for (int i = 0; i < 120; i++) {
      x.append(T0 + i * 1000L, i * 0.25);
    }
    byte[] b = PackedChunk.encode(x);
    assertThat(b[0]).isEqualTo(PackedChunk.TYPE);
    assertThat(roundTrip(b)).hasSize(120);
    assertThat(b.length).isLessThan(x.bytes().length);
  }

  @Test
  void corruptBytesFailInsteadOfReadingGarbage() {
    byte[] b = PackedChunk.encode(regular(10, 1000), new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 10);
    assertThat(b[0]).isEqualTo(PackedChunk.TYPE);
    byte[] truncated = java.util.Arrays.copyOf(b, b.length - 2);
    assertThatThrownBy(() -> roundTrip(truncated)).isInstanceOf(RuntimeException.class);
  }
}
