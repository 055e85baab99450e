package io.lookout.bench.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of another process from {@code /proc/<pid>/stat} (Linux). */
public final class ProcCpu {
  /** {@code USER_HZ}: clock ticks per second of the utime and stime fields; 100 on every Linux ABI. */
  static final double TICKS_PER_SECOND = 100;

  private ProcCpu() {}

  /** User plus system CPU seconds of process {@code pid} so far. */
  public static double seconds(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CPU time of process " + pid + " (is it running?)", e);
    }
    return parse(stat);
  }

  /** utime + stime (fields 14 and 15) of a {@code stat} line, in seconds; the command name may hold spaces. */
  static double parse(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: no ')' after the command name");
    }
    // after "pid (comm) " come field 3 (state) onwards; utime is field 14, stime 15
    String[] f = stat.substring(close + 2).trim().split(" +");
    if (f.length < 13) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + (f.length + 2) + " fields, expected at least 15");
    }
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
  }
}
