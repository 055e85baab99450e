package io.lookout.query.promql.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Format} against the BigDecimal formulation it replaces, on edge cases and random values. */
class FormatTest {
  private static String reference(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == 0) {
      return Double.doubleToRawLongBits(v) < 0 ? "-0" : "0";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
  }

  @Test
  void valuesAsGoWritesThem() {
    assertThat(Format.value(0.6666666666666666)).isEqualTo("0.6666666666666666");
    assertThat(Format.value(1e21)).isEqualTo("1000000000000000000000");
    assertThat(Format.value(-1.25e-7)).isEqualTo("-0.000000125");
    assertThat(Format.value(1e15)).isEqualTo("1000000000000000");
    assertThat(Format.value(1234567.5)).isEqualTo("1234567.5");
    assertThat(Format.value(12345678.5)).isEqualTo("12345678.5");
    assertThat(Format.value(Double.MIN_VALUE)).isEqualTo(reference(Double.MIN_VALUE));
    assertThat(Format.value(-Double.MAX_VALUE)).isEqualTo(reference(-Double.MAX_VALUE));
  }

  @Test
  void sameAsTheBigDecimalFormulation() {
    SplittableRandom rnd = new SplittableRandom(1);
    for (int i = 0; i < 300_000; i++) {
      double v = switch (i % 4) {
        case 0 -> Double.longBitsToDouble(rnd.nextLong());
        case 1 -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(-30, 30));
        case 2 -> Math.round(rnd.nextDouble() * 1e6) / Math.pow(10, rnd.nextInt(0, 9));
        default -> -rnd.nextLong(1L << 62) * Math.pow(2, rnd.nextInt(-80, 20));
      };
      assertThat(Format.value(v)).as("%s", v).isEqualTo(reference(v));
    }
  }

  @Test
  void secondsWithUpToThreeDecimals() {
    long[] cases = {0, 1000, 1500, 1050, 1001, 1010, -1500, -500, -1, 999, 1435781451781L, Long.MIN_VALUE,
      Long.MAX_VALUE};
    for (long ms : cases) {
      String want = ms % 1000 == 0 ? Long.toString(ms / 1000)
          : BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString();
      assertThat(Format.seconds(ms)).as("%d", ms).isEqualTo(want);
    }
    SplittableRandom rnd = new SplittableRandom(2);
    for (int i = 0; i < 100_000; i++) {
      long ms = rnd.nextLong() >> rnd.nextInt(64);
      String want = ms % 1000 == 0 ? Long.toString(ms / 1000)
          : BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString();
      assertThat(Format.seconds(ms)).as("%d", ms).isEqualTo(want);
    }
  }
}
