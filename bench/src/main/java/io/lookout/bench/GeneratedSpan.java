package io.lookout.bench;

import java.util.Map;

/**
 * One generated span.
 *
 * @param index position in its trace; parents come before their children
 * @param parent index of the parent span in the trace, -1 for the root
 * @param spanId 8-byte span id, never 0
 * @param parentSpanId the parent's span id, 0 for the root
 * @param service {@code service.name} of the emitting service
 * @param host {@code host.name} of the emitting instance
 * @param name span name (route, statement kind or internal step)
 * @param kind OTLP span kind number: 1 internal, 2 server, 3 client
 * @param startNanos start, Unix nanoseconds
 * @param endNanos end, Unix nanoseconds, at least {@code startNanos}
 * @param error whether the status is ERROR (then {@code exception} is set)
 * @param attributes span attributes; values are {@link String} or {@link Long}
 * @param exception the exception event of an error span, null otherwise
 */
public record GeneratedSpan(
    int index,
    int parent,
    long spanId,
    long parentSpanId,
    String service,
    String host,
    String name,
    int kind,
    long startNanos,
    long endNanos,
    boolean error,
    Map<String, Object> attributes,
    Exception exception) {

  public static final int KIND_INTERNAL = 1;
  public static final int KIND_SERVER = 2;
  public static final int KIND_CLIENT = 3;

  /**
   * The {@code exception} event of an error span.
   *
   * @param timeNanos when it was recorded, inside the span
   * @param type {@code exception.type}
   * @param message {@code exception.message}
   * @param stacktrace {@code exception.stacktrace}
   */
  public record Exception(long timeNanos, String type, String message, String stacktrace) {}

  public String spanIdHex() {
    return GeneratedTrace.hex(spanId);
  }

  public long durationNanos() {
    return endNanos - startNanos;
  }
}
