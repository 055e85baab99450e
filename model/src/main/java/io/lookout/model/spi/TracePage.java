package io.lookout.model.spi;

import java.util.List;

/**
 * One page of matching traces, newest first (by the start of the trace's earliest matching span,
 * then trace id), and the cursor of the next page (null when none).
 */
public record TracePage(List<TraceSummary> traces, String nextCursor) {}
