package io.lookout.model.spi;

import java.util.List;

/**
 * One trace in search results, computed from all of its stored spans.
 *
 * @param rootService service of the root span (the span without a parent), or of the earliest
 *     span when the root has not arrived
 * @param rootOperation name of that span
 * @param startNanos earliest span start
 * @param durationNanos latest span end minus earliest start
 * @param services every service with a span in the trace, sorted
 */
public record TraceSummary(
    String traceId,
    String rootService,
    String rootOperation,
    long startNanos,
    long durationNanos,
    int spanCount,
    int errorCount,
    List<String> services) {}
