package io.lookout.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
  /** A stat line of thread {@code tid} named {@code comm} with {@code utime} and {@code stime} ticks. */
  private static String line(long tid, String comm, long utime, long stime) {
    return tid + " (" + comm + ") S 1 1000 1000 0 -1 4194560 2046 0 0 0 " + utime + " " + stime
        + " 0 0 20 0 48 0 1661145 4933324800 61286 18446744073709551615 1 1 0 0 0 0 0 16781312 17612";
  }

  private static ThreadCpu.Snapshot snapshot(double process, String... lines) {
    Map<Long, ThreadCpu.ThreadStat> threads = new HashMap<>();
    for (String l : lines) {
      ThreadCpu.ThreadStat s = ThreadCpu.parse(l);
      threads.put(s.tid(), s);
    }
    return new ThreadCpu.Snapshot(process, threads);
  }

  @Test
  void parsesTidNameAndTicksWithSpacesAndParenthesesInTheName() {
    ThreadCpu.ThreadStat s = ThreadCpu.parse(line(4242, "C2 CompilerThre", 150, 21));
    assertThat(s).isEqualTo(new ThreadCpu.ThreadStat(4242, "C2 CompilerThre", 171));
    ThreadCpu.ThreadStat odd = ThreadCpu.parse(line(7, "a) (b) S 1 2 (c", 3, 4));
    assertThat(odd.name()).isEqualTo("a) (b) S 1 2 (c");
    assertThat(odd.ticks()).isEqualTo(7);
  }

  @Test
  void rejectsLinesWithoutTidOrName() {
    assertThatThrownBy(() -> ThreadCpu.parse("(java) S 1")).hasMessageContaining("no '(name)'");
    assertThatThrownBy(() -> ThreadCpu.parse("x (java) S 1")).hasMessageContaining("thread id is not a number");
    assertThatThrownBy(() -> ThreadCpu.parse("12 java S 1")).hasMessageContaining("no '(name)'");
  }

  @Test
  void groupsStripTrailingNumbersOfTruncatedJvmThreadNames() {
    assertThat(ThreadCpu.group("C2 CompilerThre")).isEqualTo("C2 CompilerThre");
    assertThat(ThreadCpu.group("GC Thread#0")).isEqualTo("GC Thread");
    assertThat(ThreadCpu.group("GC Thread#12")).isEqualTo("GC Thread");
    assertThat(ThreadCpu.group("G1 Conc#1")).isEqualTo("G1 Conc");
    assertThat(ThreadCpu.group("G1 Main Marker")).isEqualTo("G1 Main Marker");
    assertThat(ThreadCpu.group("vert.x-worker-t")).isEqualTo("vert.x-worker-t");
    assertThat(ThreadCpu.group("vert.x-eventloo")).isEqualTo("vert.x-eventloo");
    assertThat(ThreadCpu.group("lookout-index-3")).isEqualTo("lookout-index");
    assertThat(ThreadCpu.group("ForkJoinPool-1-")).isEqualTo("ForkJoinPool");
    assertThat(ThreadCpu.group("pool-2-thread-1")).isEqualTo("pool-2-thread");
    assertThat(ThreadCpu.group("1234")).isEqualTo("1234");
    assertThat(ThreadCpu.isJit("C1 CompilerThre")).isTrue();
    assertThat(ThreadCpu.isJit("vert.x-worker-t")).isFalse();
    assertThat(ThreadCpu.isGc("GC Thread")).isTrue();
    assertThat(ThreadCpu.isGc("G1 Refine")).isTrue();
    assertThat(ThreadCpu.isGc("VM Thread")).isFalse();
  }

  @Test
  void splitsTheWindowIntoJitGcGroupsAndExitedThreads() {
    ThreadCpu.Snapshot before = snapshot(2.0,
        line(1, "java", 50, 10),
        line(2, "C2 CompilerThre", 40, 0),
        line(3, "C1 CompilerThre", 20, 0),
        line(4, "GC Thread#0", 5, 0),
        line(5, "vert.x-worker-t", 10, 5),
        line(9, "short-lived", 10, 0));
    ThreadCpu.Snapshot after = snapshot(8.1,
        line(1, "java", 50, 10),                // idle: no group
        line(2, "C2 CompilerThre", 190, 10),    // +1.6
        line(3, "C1 CompilerThre", 60, 0),      // +0.4
        line(4, "GC Thread#0", 25, 0),          // +0.2
        line(6, "GC Thread#1", 10, 0),          // new: +0.1
        line(5, "vert.x-worker-t", 80, 15),     // +0.8
        line(7, "vert.x-worker-t", 100, 0),     // new: +1.0
        line(8, "lookout-index-0", 120, 30));   // new: +1.5
    ThreadCpu.Split s = ThreadCpu.between(before, after);
    assertThat(s.total()).isCloseTo(6.1, within(1e-9));
    assertThat(s.jit()).isCloseTo(2.0, within(1e-9));
    assertThat(s.gc()).isCloseTo(0.3, within(1e-9));
    assertThat(s.withoutJit()).isCloseTo(4.1, within(1e-9));
    assertThat(List.copyOf(s.groups().keySet())).containsExactly("vert.x-worker-t", "C2 CompilerThre",
        "lookout-index", ThreadCpu.EXITED, "C1 CompilerThre", "GC Thread");
    assertThat(s.groups().get("vert.x-worker-t")).isCloseTo(1.8, within(1e-9));
    // 6.1 total - 5.6 in live threads: time of threads that ended in between (tid 9 and others)
    assertThat(s.groups().get(ThreadCpu.EXITED)).isCloseTo(0.5, within(1e-9));
    assertThat(s.describe()).isEqualTo("6.10 s = JIT compiler threads 2.00 (33%), GC threads 0.30 (5%),"
        + " everything else 3.80 (vert.x-worker-t 1.80, lookout-index 1.50, (exited threads) 0.50)");
  }

  @Test
  void readsThisJvmsThreads() {
    long pid = ProcessHandle.current().pid();
    ThreadCpu.Snapshot before = ThreadCpu.snapshot(pid);
    assertThat(before.threads()).containsKey(pid);
    assertThat(before.threads().values()).anyMatch(t -> ThreadCpu.isJit(ThreadCpu.group(t.name())));
    long x = 0;
    for (int i = 0; i < 5_000_000; i++) {
      x += Long.numberOfTrailingZeros(i * 31L + x);
    }
    ThreadCpu.Split s = ThreadCpu.between(before, ThreadCpu.snapshot(pid));
    assertThat(x).isNotZero();
    assertThat(s.total()).isGreaterThanOrEqualTo(0);
    assertThat(s.groups().values()).allMatch(v -> v > 0);
  }
}
