package io.lookout.model.spi;

import java.util.Map;

/**
 * A trace search. A trace matches when at least one of its spans satisfies every given filter at
 * once (as in Jaeger); absent filters are null (or empty / 0 / {@link Long#MAX_VALUE}).
 *
 * @param service span's service, or null
 * @param operation span name, or null
 * @param attributes span or resource attributes that must all be equal (string form), or empty
 * @param statusCode OTLP status code the span must have (0 unset, 1 ok, 2 error), or null
 * @param minDurationNanos minimum span duration, 0 for none
 * @param maxDurationNanos maximum span duration, {@link Long#MAX_VALUE} for none
 * @param startNanos the span must start at or after this
 * @param endNanos the span must start at or before this
 * @param limit traces per page
 * @param cursor opaque cursor from a previous page, or null
 */
public record TraceQuery(
    String tenant,
    String service,
    String operation,
    Map<String, String> attributes,
    Integer statusCode,
    long minDurationNanos,
    long maxDurationNanos,
    long startNanos,
    long endNanos,
    int limit,
    String cursor,
    long timeoutMillis) {

  public TraceQuery {
    attributes = attributes == null ? Map.of() : attributes;
  }
}
