package io.lookout.model;

import java.util.Map;
import java.util.Objects;

/**
 * One log record after OTLP decoding.
 *
 * <p>Attribute maps keep OTLP's value types as plain Java values: {@link String}, {@link Long},
 * {@link Double}, {@link Boolean}, {@code List<Object>} (array), {@code Map<String,Object>}
 * (kvlist); bytes are carried as base64 strings. Trace and span ids are lowercase hex, or the
 * empty string when absent.
 *
 * @param timestampNanos event time (falls back to observed time when the sender left it 0)
 * @param observedTimestampNanos time the record was observed by the collection system
 * @param severityNumber OTLP severity number 0..24 (0 = unspecified)
 * @param severityText severity as sent, or derived from the number when the sender left it empty
 * @param body the body rendered as text (non-string bodies as JSON)
 * @param service {@code service.name} from the resource, or {@code unknown_service}
 * @param scopeName instrumentation scope name, empty when absent
 */
public record LogRecord(
    long timestampNanos,
    long observedTimestampNanos,
    int severityNumber,
    String severityText,
    String body,
    String service,
    String traceId,
    String spanId,
    Map<String, Object> attributes,
    Map<String, Object> resource,
    String scopeName) {

  public LogRecord {
    severityText = Objects.requireNonNullElse(severityText, "");
    body = Objects.requireNonNullElse(body, "");
    service = Objects.requireNonNullElse(service, Service.UNKNOWN);
    traceId = Objects.requireNonNullElse(traceId, "");
    spanId = Objects.requireNonNullElse(spanId, "");
    attributes = attributes == null ? Map.of() : attributes;
    resource = resource == null ? Map.of() : resource;
    scopeName = Objects.requireNonNullElse(scopeName, "");
  }
}
