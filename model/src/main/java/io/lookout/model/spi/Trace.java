package io.lookout.model.spi;

import io.lookout.model.Span;
import java.util.List;

/**
 * The spans of one trace, ordered by start time.
 *
 * @param truncated true when the trace had more spans than the requested maximum
 */
public record Trace(String traceId, List<Span> spans, boolean truncated) {}
