package io.lookout.ingest.loki;

import io.lookout.model.LogRecord;
import io.lookout.model.Service;
import io.lookout.model.Severity;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One Loki stream, mapped once per stream, and the mapping of its entries onto {@link LogRecord}:
 *
 * <ul>
 *   <li>time = the entry's timestamp (the receive time when the sender left it 0); observed time =
 *       receive time; body = the line; scope empty;
 *   <li>resource attributes = the stream labels, names as given (labels with an empty value are
 *       left out: in Prometheus semantics an empty label is an absent one);
 *   <li>service = the first non-empty label of {@link #SERVICE_LABELS} (Loki 3's service-name
 *       discovery order), else {@code unknown_service};
 *   <li>attributes = the entry's structured metadata;
 *   <li>severity = the first recognised value of {@code level}, {@code detected_level},
 *       {@code severity} in the structured metadata, then in the stream labels: trace, debug,
 *       info, warn/warning, error/err, fatal/critical/panic (any case) give the OTel numbers 1, 5,
 *       9, 13, 17, 21 and their short names; else 0 and empty;
 *   <li>trace and span ids = structured metadata {@code trace_id} (or {@code traceID},
 *       {@code traceId}) and {@code span_id} (or {@code spanID}, {@code spanId}) when they are 32
 *       and 16 hex digits and not all zero, lowercased; they stay in the attributes either way.
 * </ul>
 */
public final class LokiStream {
  /** Labels that name the service, first non-empty wins (Loki 3's discover_service_name default). */
  public static final List<String> SERVICE_LABELS = List.of("service_name", "service", "app", "application", "name",
      "app_kubernetes_io_name", "container", "container_name", "component", "workload", "job");
  /** Structured metadata keys and stream labels that carry a severity, in this order. */
  public static final List<String> SEVERITY_KEYS = List.of("level", "detected_level", "severity");

  private static final List<String> TRACE_ID_KEYS = List.of("trace_id", "traceID", "traceId");
  private static final List<String> SPAN_ID_KEYS = List.of("span_id", "spanID", "spanId");

  private final Map<String, Object> resource;
  private final String service;
  private final int severityNumber;

  private LokiStream(Map<String, Object> resource, String service, int severityNumber) {
    this.resource = resource;
    this.service = service;
    this.severityNumber = severityNumber;
  }

  /** Maps the labels of a stream (their order is kept). */
  public static LokiStream of(Map<String, String> labels) {
    Map<String, Object> resource = new LinkedHashMap<>();
    labels.forEach((k, v) -> {
      if (!v.isEmpty()) {
        resource.put(k, v);
      }
    });
    String service = Service.UNKNOWN;
    for (String name : SERVICE_LABELS) {
      String v = labels.get(name);
      if (v != null && !v.isEmpty()) {
        service = v;
        break;
      }
    }
    return new LokiStream(Collections.unmodifiableMap(resource), service, severityOf(labels));
  }

  public String service() {
    return service;
  }

  public Map<String, Object> resource() {
    return resource;
  }

  /**
   * The record of one entry.
   *
   * @param timestampNanos entry time, 0 when the sender left it out
   * @param metadata structured metadata, empty when none; not copied: pass a map nobody changes later
   */
  public LogRecord entry(long timestampNanos, long observedNanos, String line, Map<String, String> metadata) {
    int severity = severityNumber;
    String traceId = "";
    String spanId = "";
    Map<String, Object> attributes = Map.of();
    if (!metadata.isEmpty()) {
      int fromMetadata = severityOf(metadata);
      if (fromMetadata > 0) {
        severity = fromMetadata;
      }
      traceId = hexId(metadata, TRACE_ID_KEYS, 32);
      spanId = hexId(metadata, SPAN_ID_KEYS, 16);
      attributes = Collections.unmodifiableMap(metadata);
    }
    return new LogRecord(timestampNanos == 0 ? observedNanos : timestampNanos, observedNanos, severity,
        Severity.textOf(severity), line, service, traceId, spanId, attributes, resource, "");
  }

  /** The OTel severity number of the first recognised severity key, 0 when none. */
  static int severityOf(Map<String, String> values) {
    for (String key : SEVERITY_KEYS) {
      String v = values.get(key);
      if (v != null) {
        int n = severityNumber(v);
        if (n > 0) {
          return n;
        }
      }
    }
    return 0;
  }

  /** trace 1, debug 5, info 9, warn 13, error 17, fatal 21 (any case); 0 for anything else. */
  public static int severityNumber(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "trace" -> 1;
      case "debug" -> 5;
      case "info" -> 9;
      case "warn", "warning" -> 13;
      case "error", "err" -> 17;
      case "fatal", "critical", "panic" -> 21;
      default -> 0;
    };
  }

  private static String hexId(Map<String, String> metadata, List<String> keys, int length) {
    for (String key : keys) {
      String v = metadata.get(key);
      if (v != null && v.length() == length && isNonZeroHex(v)) {
        return v.toLowerCase(Locale.ROOT);
      }
    }
    return "";
  }

  private static boolean isNonZeroHex(String v) {
    boolean nonZero = false;
    for (int k = 0; k < v.length(); k++) {
      char c = v.charAt(k);
      if (Character.digit(c, 16) < 0 || c > 'f') {
        return false;
      }
      nonZero |= c != '0';
    }
    return nonZero;
  }
}
