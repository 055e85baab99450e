package io.lookout.storage.internal.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.metrics.Sample;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Decoding into arrays, for both encodings, against what was written. */
class FloatChunksTest {
  private static final long T0 = 1_795_700_000_000L;

  /** Decodes at an offset into larger arrays and checks every timestamp and value bit. */
  private static void checkDecodes(byte[] b, long[] ts, double[] vs, int n) {
    assertThat(FloatChunks.count(b, 0, b.length)).isEqualTo(n);
    int at = 5;
    long[] gotT = new long[n + 10];
    double[] gotV = new double[n + 10];
    long[] scratch = new long[n];
    assertThat(FloatChunks.decode(b, 0, b.length, gotT, gotV, at, scratch)).isEqualTo(n);
    for (int i = 0; i < n; i++) {
      assertThat(gotT[at + i]).as("timestamp %d of %d", i, n).isEqualTo(ts[i]);
      assertThat(Double.doubleToRawLongBits(gotV[at + i])).as("value %d of %d (%s)", i, n, vs[i])
          .isEqualTo(Double.doubleToRawLongBits(vs[i]));
    }
    assertThat(gotT[at - 1]).isZero();
    assertThat(gotT[at + n]).isZero();
  }

  private static byte[] xor(long[] ts, double[] vs, int n) {
    XorChunk x = new XorChunk();
    for (int i = 0; i < n; i++) {
      x.append(ts[i], vs[i]);
    }
    return x.bytes();
  }

  /** Timestamps with every delta-of-delta width: regular, jitter, gaps, huge jumps. */
  private static long[] timestamps(SplittableRandom rnd, int n) {
    long[] ts = new long[n];
    long t = T0 + rnd.nextLong(-1_000_000, 1_000_000);
    for (int i = 0; i < n; i++) {
      ts[i] = t;
      t += switch (rnd.nextInt(6)) {
        case 0 -> 15_000;
        case 1 -> 15_000 + rnd.nextInt(-60, 60);
        case 2 -> rnd.nextInt(1, 8_000);
        case 3 -> rnd.nextInt(1, 500_000);
        case 4 -> rnd.nextLong(1, 1L << 40);
        default -> 1;
      };
    }
    return ts;
  }

  @Test
  void gorillaChunksOfArbitraryValuesAndTimestamps() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int round = 0; round < 300; round++) {
      int n = 1 + rnd.nextInt(150);
      long[] ts = timestamps(rnd, n);
      double[] vs = new double[n];
      for (int i = 0; i < n; i++) {
        vs[i] = switch (rnd.nextInt(8)) {
          case 0 -> Sample.STALE_NAN;
          case 1 -> Double.NaN;
          case 2 -> i > 0 ? vs[i - 1] : 0;
          case 3 -> -0.0;
          case 4 -> Double.longBitsToDouble(rnd.nextLong());
          case 5 -> Double.MAX_VALUE;
          default -> rnd.nextDouble() * 1e9;
        };
        if (Double.isNaN(vs[i]) && rnd.nextBoolean()) {
          vs[i] = Double.NaN; // other NaN payloads from random bits are kept too, bit for bit
        }
      }
      checkDecodes(xor(ts, vs, n), ts, vs, n);
    }
  }

  @Test
  void packedChunksOfEveryOrderWidthAndExceptionCount() {
    SplittableRandom rnd = new SplittableRandom(12);
    int packed = 0;
    for (int round = 0; round < 400; round++) {
      int n = 1 + rnd.nextInt(200);
      long[] ts = timestamps(rnd, n);
      double[] vs = new double[n];
      int scale = rnd.nextInt(4);
      long m = rnd.nextLong(-1_000_000_000L, 1_000_000_000L);
      int shape = rnd.nextInt(5);
      for (int i = 0; i < n; i++) {
        m += switch (shape) {
          case 0 -> 0; // constant
          case 1 -> 7; // steady counter: order 2 packs to nothing
          case 2 -> rnd.nextInt(0, 100); // counter
          case 3 -> rnd.nextInt(10) == 0 ? rnd.nextLong(-(1L << 50), 1L << 50) : rnd.nextInt(-3, 3); // outliers
          default -> rnd.nextLong(-(1L << 51), 1L << 51) - m / 2; // wide: up to 53-bit integers
        };
        m = Math.max(-(1L << 52), Math.min(1L << 52, m));
        vs[i] = m / Math.pow(10, scale);
      }
      byte[] b = PackedChunk.encode(ts, vs, n);
      if (b[0] == PackedChunk.TYPE) {
        packed++;
      }
      checkDecodes(b, ts, vs, n);
    }
    assertThat(packed).as("chunks that took the packed encoding").isGreaterThan(200);
  }

  @Test
  void sealedHeadChunksKeepTheirSamplesAndAnswerDuplicateChecks() {
    HeadChunk c = new HeadChunk(1, 0, false);
    long[] ts = new long[HeadChunk.MAX_SAMPLES];
    double[] vs = new double[ts.length];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = T0 + i * 1000L;
      vs[i] = i % 9 == 0 ? Sample.STALE_NAN : i * 0.5;
      c.append(ts[i], vs[i]);
    }
    byte[] open = c.floatBytes();
    c.close();
    assertThat(c.isOpen()).isFalse();
    assertThat(c.count()).isEqualTo(ts.length);
    assertThat(c.minT()).isEqualTo(ts[0]);
    assertThat(c.maxT()).isEqualTo(ts[ts.length - 1]);
    assertThat(c.floatBytes()).isSameAs(c.persistBytes());
    checkDecodes(c.floatBytes(), ts, vs, ts.length);
    checkDecodes(open, ts, vs, ts.length);
    assertThat(c.valueAt(T0 + 1000)).isEqualTo(0.5);
    assertThat(c.valueAt(T0 + 1500)).isNull();
    assertThat(Double.doubleToRawLongBits((Double) c.valueAt(T0))).isEqualTo(Sample.STALE_NAN_BITS);
  }
}
