package io.lookout.bench.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * CPU time of another process per thread, from {@code /proc/<pid>/task/<tid>/stat} (Linux), grouped
 * by thread name. The kernel keeps at most 15 bytes of a thread's name ({@code comm}), so a JVM's
 * {@code "C2 CompilerThread0"} reads {@code "C2 CompilerThre"} and {@code "vert.x-worker-thread-3"}
 * reads {@code "vert.x-worker-t"}; {@link #group} strips trailing numbers ({@code "GC Thread#1"}
 * is {@code "GC Thread"}). Threads that ended between two snapshots leave no stat file: their CPU
 * is the process total minus the live threads', reported as {@link #EXITED}.
 */
public final class ThreadCpu {
  /** The group of CPU time spent by threads that exited before the second snapshot. */
  public static final String EXITED = "(exited threads)";

  private ThreadCpu() {}

  /** One line of {@code /proc/<pid>/task/<tid>/stat}: thread id, name ({@code comm}) and utime + stime in ticks. */
  public record ThreadStat(long tid, String name, long ticks) {}

  /**
   * The process total and every live thread at one moment.
   *
   * @param processSeconds user + system CPU seconds of the whole process, exited threads included
   * @param threads live threads by thread id
   */
  public record Snapshot(double processSeconds, Map<Long, ThreadStat> threads) {
    public Snapshot {
      threads = Map.copyOf(threads);
    }
  }

  /**
   * The CPU seconds between two snapshots.
   *
   * @param total the process's, exited threads included
   * @param jit the JIT compiler threads' ({@code C1/C2 CompilerThre...})
   * @param gc the garbage collector's own threads' ({@code GC Thread}, {@code G1 ...}; Serial GC
   *     runs in the {@code VM Thread} and is not counted here)
   * @param groups every group with CPU time, largest first, {@link #EXITED} included when positive
   */
  public record Split(double total, double jit, double gc, Map<String, Double> groups) {
    public Split {
      groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
    }

    /** The total without the JIT compiler threads. */
    public double withoutJit() {
      return total - jit;
    }

    /** One line for a log: {@code total = JIT x, GC y, other z (group a, group b, ...)}. */
    public String describe() {
      StringJoiner others = new StringJoiner(", ");
      groups.forEach((g, s) -> {
        if (!isJit(g) && !isGc(g) && s >= 0.005) {
          others.add(String.format(Locale.ROOT, "%s %.2f", g, s));
        }
      });
      return String.format(Locale.ROOT, "%.2f s = JIT compiler threads %.2f (%.0f%%), GC threads %.2f (%.0f%%),"
          + " everything else %.2f (%s)", total, jit, percent(jit), gc, percent(gc), total - jit - gc, others);
    }

    private double percent(double part) {
      return total > 0 ? 100 * part / total : 0;
    }
  }

  /** Reads process {@code pid}'s total and its threads now. */
  public static Snapshot snapshot(long pid) {
    Path task = Path.of("/proc", Long.toString(pid), "task");
    Map<Long, ThreadStat> threads = new HashMap<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(task)) {
      for (Path t : dir) {
        try {
          ThreadStat s = parse(Files.readString(t.resolve("stat")));
          threads.put(s.tid(), s);
        } catch (NoSuchFileException e) {
          // the thread ended while we listed the directory: its time shows as exited
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the threads of process " + pid + " (is it running?)", e);
    }
    return new Snapshot(ProcCpu.seconds(pid), threads);
  }

  /** The tid, name and utime + stime of a thread's {@code stat} line; the name may hold spaces and parentheses. */
  static ThreadStat parse(String stat) {
    int open = stat.indexOf('(');
    int close = stat.lastIndexOf(')');
    if (open < 1 || close < open) {
      throw new IllegalArgumentException("not a /proc/<pid>/task/<tid>/stat line: no '(name)' after the thread id");
    }
    long tid;
    try {
      tid = Long.parseLong(stat.substring(0, open).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a /proc/<pid>/task/<tid>/stat line: the thread id is not a number");
    }
    long ticks = Math.round(ProcCpu.parse(stat) * ProcCpu.TICKS_PER_SECOND);
    return new ThreadStat(tid, stat.substring(open + 1, close), ticks);
  }

  /**
   * The group of a thread name: the name without trailing digits and the separators before them
   * ({@code "GC Thread#3"} and {@code "GC Thread#12"} are {@code "GC Thread"}, {@code
   * "ForkJoinPool-1-"} is {@code "ForkJoinPool"}); a name of digits only stays as it is.
   */
  public static String group(String name) {
    String g = name.replaceFirst("[\\d\\s#_.:-]+$", "");
    return g.isEmpty() ? name : g;
  }

  /** Whether a group is a HotSpot JIT compiler thread ({@code C1 CompilerThread*}, {@code C2 CompilerThread*}). */
  public static boolean isJit(String group) {
    return group.startsWith("C1 CompilerThre") || group.startsWith("C2 CompilerThre");
  }

  /** Whether a group is one of the collector's own threads (G1, Parallel, ZGC, Shenandoah). */
  public static boolean isGc(String group) {
    return group.startsWith("GC Thread") || group.startsWith("G1 ") || group.startsWith("ZWorker")
        || group.startsWith("ZDirector") || group.startsWith("Shenandoah");
  }

  /**
   * The CPU seconds each group used from {@code before} to {@code after}: a thread present only
   * in {@code after} started in between and counts from zero; threads gone by {@code after} count
   * under {@link #EXITED}. A thread's group is its name in {@code after}.
   */
  public static Split between(Snapshot before, Snapshot after) {
    Map<String, Long> ticks = new TreeMap<>();
    long live = 0;
    for (ThreadStat t : after.threads().values()) {
      ThreadStat old = before.threads().get(t.tid());
      long d = Math.max(0, t.ticks() - (old == null ? 0 : old.ticks()));
      ticks.merge(group(t.name()), d, Long::sum);
      live += d;
    }
    double total = after.processSeconds() - before.processSeconds();
    List<Map.Entry<String, Double>> groups = new ArrayList<>();
    double jit = 0;
    double gc = 0;
    for (Map.Entry<String, Long> e : ticks.entrySet()) {
      double s = e.getValue() / ProcCpu.TICKS_PER_SECOND;
      jit += isJit(e.getKey()) ? s : 0;
      gc += isGc(e.getKey()) ? s : 0;
      if (e.getValue() > 0) {
        groups.add(Map.entry(e.getKey(), s));
      }
    }
    double exited = total - live / ProcCpu.TICKS_PER_SECOND;
    if (exited >= 0.005) {
      groups.add(Map.entry(EXITED, exited));
    }
    groups.sort(Map.Entry.<String, Double>comparingByValue().reversed());
    Map<String, Double> ordered = new LinkedHashMap<>();
    groups.forEach(e -> ordered.put(e.getKey(), e.getValue()));
    return new Split(total, jit, gc, ordered);
  }
}
