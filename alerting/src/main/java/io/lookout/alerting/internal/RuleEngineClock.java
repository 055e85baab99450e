package io.lookout.alerting.internal;

import java.time.Instant;

/** Conversions between {@link Instant} and Unix nanoseconds. */
final class RuleEngineClock {
  private RuleEngineClock() {}

  static long nanos(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
  }

  static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }
}
