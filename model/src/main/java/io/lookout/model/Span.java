package io.lookout.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One span after OTLP decoding. Ids are lowercase hex; {@code parentSpanId} is empty for a root.
 * Attribute maps follow the conventions of {@link LogRecord}.
 *
 * @param kind OTLP span kind number (0 unspecified, 1 internal, 2 server, 3 client, 4 producer,
 *     5 consumer)
 * @param statusCode OTLP status code (0 unset, 1 ok, 2 error)
 */
public record Span(
    String traceId,
    String spanId,
    String parentSpanId,
    String traceState,
    String name,
    int kind,
    long startNanos,
    long endNanos,
    int statusCode,
    String statusMessage,
    String service,
    Map<String, Object> attributes,
    Map<String, Object> resource,
    String scopeName,
    List<Event> events,
    List<Link> links) {

  public Span {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    parentSpanId = Objects.requireNonNullElse(parentSpanId, "");
    traceState = Objects.requireNonNullElse(traceState, "");
    name = Objects.requireNonNullElse(name, "");
    statusMessage = Objects.requireNonNullElse(statusMessage, "");
    service = Objects.requireNonNullElse(service, Service.UNKNOWN);
    attributes = attributes == null ? Map.of() : attributes;
    resource = resource == null ? Map.of() : resource;
    scopeName = Objects.requireNonNullElse(scopeName, "");
    events = events == null ? List.of() : events;
    links = links == null ? List.of() : links;
  }

  public long durationNanos() {
    return Math.max(0, endNanos - startNanos);
  }

  /** A timed event inside a span. */
  public record Event(long timeNanos, String name, Map<String, Object> attributes) {
    public Event {
      name = Objects.requireNonNullElse(name, "");
      attributes = attributes == null ? Map.of() : attributes;
    }
  }

  /** A link from a span to another span, possibly in another trace. */
  public record Link(String traceId, String spanId, String traceState, Map<String, Object> attributes) {
    public Link {
      traceState = Objects.requireNonNullElse(traceState, "");
      attributes = attributes == null ? Map.of() : attributes;
    }
  }

  /** Names of span kinds as the OTLP JSON enum spells them, indexed by kind number. */
  public static String kindName(int kind) {
    return switch (kind) {
      case 1 -> "SPAN_KIND_INTERNAL";
      case 2 -> "SPAN_KIND_SERVER";
      case 3 -> "SPAN_KIND_CLIENT";
      case 4 -> "SPAN_KIND_PRODUCER";
      case 5 -> "SPAN_KIND_CONSUMER";
      default -> "SPAN_KIND_UNSPECIFIED";
    };
  }

  /** Names of status codes as the OTLP JSON enum spells them. */
  public static String statusName(int code) {
    return switch (code) {
      case 1 -> "STATUS_CODE_OK";
      case 2 -> "STATUS_CODE_ERROR";
      default -> "STATUS_CODE_UNSET";
    };
  }
}
