package io.lookout.query.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.LogRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TailCursorTest {
  private static LogRecord line(long ts, String body) {
    return new LogRecord(ts, ts, 9, "INFO", body, "svc", "", "", Map.of(), Map.of(), "");
  }

  @Test
  void firstSearchStartsAtStartAndLaterOnesLookBackBehindTheNewestLineSent() {
    TailCursor c = new TailCursor(1_000, 100);
    assertThat(c.from(5_000)).isEqualTo(1_000);
    c.accept(List.of(line(2_000, "b"), line(1_500, "a")), 1_000);
    assertThat(c.from(5_000)).isEqualTo(1_900);
    // a line from the future does not push the window past now
    c.accept(List.of(line(9_000, "future")), 1_900);
    assertThat(c.from(5_000)).isEqualTo(4_900);
  }

  @Test
  void linesAlreadySentAreNotSentAgainAndNewOnesComeOldestFirst() {
    TailCursor c = new TailCursor(0, 1_000);
    assertThat(c.accept(List.of(line(20, "b"), line(10, "a")), 0)).extracting(LogRecord::body)
        .containsExactly("a", "b");
    assertThat(c.accept(List.of(line(30, "c"), line(20, "b"), line(10, "a")), 0)).extracting(LogRecord::body)
        .containsExactly("c");
  }

  @Test
  void aLateLineWithinTheLookbackIsStillSent() {
    TailCursor c = new TailCursor(0, 1_000);
    c.accept(List.of(line(5_000, "new")), 0);
    long from = c.from(10_000);
    assertThat(c.accept(List.of(line(5_000, "new"), line(4_500, "late")), from)).extracting(LogRecord::body)
        .containsExactly("late");
  }

  @Test
  void identicalLinesAreCountedNotMerged() {
    TailCursor c = new TailCursor(0, 1_000);
    assertThat(c.accept(List.of(line(10, "same")), 0)).hasSize(1);
    assertThat(c.accept(List.of(line(10, "same"), line(10, "same")), 0)).hasSize(1);
    assertThat(c.accept(List.of(line(10, "same"), line(10, "same")), 0)).isEmpty();
  }

  @Test
  void memoryIsBoundedByTheWindowAndTheCap() {
    TailCursor c = new TailCursor(0, 10, 5);
    for (int i = 0; i < 20; i++) {
      c.accept(List.of(line(100 + i, "x" + i)), 0);
    }
    assertThat(c.remembered()).isLessThanOrEqualTo(5);
    c.accept(List.of(line(1_000, "late")), c.from(2_000));
    c.accept(List.of(), c.from(2_000));
    assertThat(c.remembered()).isEqualTo(1);
  }
}
