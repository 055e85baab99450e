package io.lookout.model;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bounded, seeded fuzzing of {@link TimeParser}: any text either parses or fails with a
 * {@link LookoutException} (a 400), never with anything else and never slowly.
 */
class TimeParserFuzzTest {
  private static final String[] SEEDS = {
    "2026-11-26T10:00:00.123456789Z", "2026-11-26T11:00:00+01:00", "1764151200.25", "1.7641512e9", "now",
    "now-15m", "now + 1h30m", "250ms", "1.5s", "7d", "2w", "1y", "90", "0.001"
  };
  private static final String ALPHABET = "0123456789.eE+-:TZ nowsmhdwyµ_";

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS) // hang detector
  void anyInputParsesOrIsBadData() {
    Random random = new Random(11L);
    long now = 1_764_151_200_000_000_000L;
    for (int i = 0; i < 50_000; i++) {
      StringBuilder sb = new StringBuilder(SEEDS[random.nextInt(SEEDS.length)]);
      int edits = random.nextInt(5);
      for (int k = 0; k < edits; k++) {
        int pos = random.nextInt(sb.length() + 1);
        if (random.nextBoolean() || pos == sb.length()) {
          sb.insert(pos, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        } else {
          sb.deleteCharAt(pos);
        }
      }
      String input = sb.toString();
      try {
        TimeParser.parseTime("t", input, now);
      } catch (LookoutException expected) {
        // a 400
      }
      try {
        TimeParser.parseDuration("d", input);
      } catch (LookoutException expected) {
        // a 400
      }
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void hugeExponentsAndLongInputsAreQuick() {
    for (String s : new String[] {"1e999999999", "1e-999999999", "9".repeat(100_000), "now-" + "1".repeat(100_000) + "s",
        "1" + "h".repeat(50_000), "1.5e2147483647", "-0e-2147483648"}) {
      try {
        TimeParser.parseTime("t", s, 0);
      } catch (LookoutException expected) {
        // a 400
      }
      try {
        TimeParser.parseDuration("d", s);
      } catch (LookoutException expected) {
        // a 400
      }
    }
  }
}
