package io.lookout.bench;

import java.util.List;

/**
 * One generated trace: a tree of spans, root first, every parent before its children.
 *
 * @param index position in the corpus stream
 * @param traceIdHigh first 8 bytes of the trace id
 * @param traceIdLow last 8 bytes of the trace id
 * @param spans the spans, {@code spans.get(0)} is the root
 */
public record GeneratedTrace(long index, long traceIdHigh, long traceIdLow, List<GeneratedSpan> spans) {

  /** 32 lowercase hex characters, as every API spells trace ids. */
  public String traceId() {
    return hex(traceIdHigh) + hex(traceIdLow);
  }

  public GeneratedSpan root() {
    return spans.getFirst();
  }

  static String hex(long v) {
    String h = Long.toHexString(v);
    return h.length() == 16 ? h : "0".repeat(16 - h.length()) + h;
  }
}
