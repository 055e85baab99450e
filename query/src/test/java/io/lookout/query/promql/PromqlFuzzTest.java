package io.lookout.query.promql;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bounded, seeded fuzzing of the PromQL parser: mutated valid expressions and random text either
 * parse or fail with {@link PromqlParseException} (a 400), never with anything else.
 */
class PromqlFuzzTest {
  private static final String[] SEEDS = {
    "sum by (job) (rate(http_requests_total{job=~\"api|web\", code!~\"5..\"}[5m] offset 1m))",
    "histogram_quantile(0.99, sum without (instance) (rate(x_bucket[1m] @ 1000)))",
    "label_replace(up, \"dst\", \"$1-${2}\", \"src\", \"(a+)-(b*)\")",
    "max_over_time(deriv(rate(x[1m])[5m:30s])[10m:]) > bool on (a) group_left (b) y",
    "-(1 + 2 * 3 ^ 4 % 5) / 0x1F - 1e3 + Inf - NaN",
    "topk(3, {__name__=~\"x.*\", \"utf8.name\"=\"v\"}) unless ignoring (a) z",
    "count_values(\"v\", up) or absent(nope{a=\"b\"})"
  };
  private static final String ALPHABET = "(){}[]\"'`\\:,=!~<>+-*/^%@.|$ 09aZ_\n\u00e9\u0000";

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS) // hang detector
  void mutatedExpressionsParseOrFailWithAParseError() {
    Random random = new Random(42L);
    for (int i = 0; i < 20_000; i++) {
      String input = mutate(random, SEEDS[random.nextInt(SEEDS.length)]);
      try {
        PromqlParser.parse(input);
      } catch (PromqlParseException expected) {
        // a 400
      }
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void deepNestingIsRefusedNotAStackOverflow() {
    for (String open : new String[] {"(", "-", "sum(", "abs(", "x[1m:]["}) {
      String deep = open.repeat(20_000) + "1";
      try {
        PromqlParser.parse(deep);
      } catch (PromqlParseException expected) {
        // a 400
      }
    }
  }

  private static String mutate(Random random, String seed) {
    StringBuilder sb = new StringBuilder(seed);
    int edits = 1 + random.nextInt(6);
    for (int k = 0; k < edits; k++) {
      int pos = sb.isEmpty() ? 0 : random.nextInt(sb.length() + 1);
      switch (random.nextInt(4)) {
        case 0 -> sb.insert(pos, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        case 1 -> {
          if (pos < sb.length()) {
            sb.delete(pos, Math.min(sb.length(), pos + 1 + random.nextInt(5)));
          }
        }
        case 2 -> sb.insert(pos, SEEDS[random.nextInt(SEEDS.length)], 0, random.nextInt(20));
        default -> {
          if (pos < sb.length()) {
            sb.setCharAt(pos, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
          }
        }
      }
    }
    return sb.toString();
  }
}
