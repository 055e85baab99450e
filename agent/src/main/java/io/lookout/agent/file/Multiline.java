package io.lookout.agent.file;

import io.lookout.agent.config.FileInputConfig;
import java.util.regex.Pattern;

/**
 * Joins lines into records. With a start pattern, a matching line starts a record and any other
 * line continues it; otherwise (by default) Java stack trace lines continue the record before
 * them. A pending record is emitted when the next record starts, when it reaches max_lines, or by
 * {@link #flushIfIdle} after the timeout.
 */
final class Multiline {
  private static final Pattern EXCEPTION_LINE =
      Pattern.compile("^([a-zA-Z_$][\\w$]*\\.)+[\\w$]*(Exception|Error|Throwable)(: .*)?$");

  /** A finished record: its text and the file offset just after its last line. */
  record Record(String text, long endOffset, boolean truncated) {}

  private final Pattern start;
  private final boolean java;
  private final long timeoutNanos;
  private final int maxLines;
  private StringBuilder pending;
  private String pendingSingle;
  private int lines;
  private long pendingEnd;
  private boolean pendingTruncated;
  private long lastLineNanos;

  Multiline(FileInputConfig.Multiline c) {
    this.start = c.startPattern();
    this.java = start == null && c.javaStackTraces();
    this.timeoutNanos = c.timeout().toNanos();
    this.maxLines = c.maxLines();
  }

  /** True when lines are emitted one by one (no joining). */
  boolean passThrough() {
    return start == null && !java;
  }

  boolean hasPending() {
    return lines > 0;
  }

  /** Offers a line; returns the record it completes, if any. */
  Record accept(String line, long endOffset, boolean truncated, long nowNanos) {
    Record out = null;
    if (lines > 0) {
      if (lines < maxLines && continues(line)) {
        if (pending == null) {
          pending = new StringBuilder(pendingSingle.length() + line.length() + 64).append(pendingSingle);
          pendingSingle = null;
        }
        pending.append('\n').append(line);
        lines++;
        pendingEnd = endOffset;
        pendingTruncated |= truncated;
        lastLineNanos = nowNanos;
        return null;
      }
      out = take();
    }
    pendingSingle = line;
    lines = 1;
    pendingEnd = endOffset;
    pendingTruncated = truncated;
    lastLineNanos = nowNanos;
    return out;
  }

  /** The pending record if no line came for the timeout. */
  Record flushIfIdle(long nowNanos) {
    return lines > 0 && nowNanos - lastLineNanos >= timeoutNanos ? take() : null;
  }

  /** The pending record, if any. */
  Record flush() {
    return lines > 0 ? take() : null;
  }

  void reset() {
    pending = null;
    pendingSingle = null;
    lines = 0;
  }

  private Record take() {
    String text = pending != null ? pending.toString() : pendingSingle;
    Record r = new Record(text, pendingEnd, pendingTruncated);
    reset();
    return r;
  }

  private boolean continues(String line) {
    if (start != null) {
      return !start.matcher(line).find();
    }
    if (line.isEmpty()) {
      return false;
    }
    char c = line.charAt(0);
    if (c == '\t') {
      return true;
    }
    if (c == ' ') {
      String t = line.stripLeading();
      return t.startsWith("at ") || t.startsWith("... ") || t.startsWith("Caused by:") || t.startsWith("Suppressed:");
    }
    if (c == 'C' && line.startsWith("Caused by:")) {
      return true;
    }
    if (Character.isLetter(c) && (line.contains("Exception") || line.contains("Error") || line.contains("Throwable"))) {
      return EXCEPTION_LINE.matcher(line).matches();
    }
    return false;
  }
}
